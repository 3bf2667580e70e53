using System.Net.Http.Headers;
using System.Text.Json;
using ChipRegistry.EventStore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ChipRegistry.Api.Tests.Authorization.Arrangements;

/// <summary>
/// Projection rebuilds: a request names a real projection; a read names a rebuild the registry's admin started (or
/// the one already unfinished), so only the role decides the answer.
/// </summary>
public sealed class ProjectionRebuildArrangement(ApiFixture host) : IMatrixArrangement
{
    public IReadOnlyCollection<string> Endpoints { get; } =
    [
        "POST /api/v1/admin/projections/{name}/rebuild",
        "GET /api/v1/admin/projections/{name}/rebuilds/{rebuildId}",
    ];

    public async Task<ArrangedCall> ArrangeAsync(string endpoint, MatrixCaller caller, bool related)
    {
        if (endpoint == "POST /api/v1/admin/projections/{name}/rebuild")
        {
            // Each cell runs twice: the admin's second request must not meet the first one's rebuild still under way.
            await NoUnfinishedRebuildAsync("facility_list");
            return new ArrangedCall("/api/v1/admin/projections/facility_list/rebuild");
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/admin/projections/licence_list/rebuild");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiFixture.AdminKey);
        using var response = await host.Client.SendAsync(request);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        // 202 names the new rebuild, 409 the unfinished one.
        var link = body.RootElement.TryGetProperty("self", out var self) ? self.GetString() : body.RootElement.GetProperty("rebuild").GetString();
        return new ArrangedCall(link!);
    }

    private async Task NoUnfinishedRebuildAsync(string projection)
    {
        var schema = host.Services.GetRequiredService<PostgresEventStore>().Schema.Quoted;
        var dataSource = host.Services.GetRequiredService<NpgsqlDataSource>();
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (true)
        {
            await using var command = dataSource.CreateCommand(
                $"select count(*) from {schema}.projection_rebuilds where projection = $1 and state in ('queued', 'running', 'swapping')");
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = projection });
            if ((long)(await command.ExecuteScalarAsync())! == 0) return;
            Assert.True(DateTime.UtcNow < deadline, $"a rebuild of {projection} did not finish");
            await Task.Delay(50);
        }
    }
}
