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
        using var response = await RequestRebuildAsync("licence_list");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode is System.Net.HttpStatusCode.Accepted or System.Net.HttpStatusCode.Conflict, $"arranging a rebuild got {(int)response.StatusCode}: {text}");
        using var body = JsonDocument.Parse(text);
        // 202 names the new rebuild, 409 the unfinished one.
        var link = body.RootElement.TryGetProperty("self", out var self) ? self.GetString() : body.RootElement.GetProperty("rebuild").GetString();
        return new ArrangedCall(link!);
    }

    /// <summary>The admin's request, waited out while the key's rate limit or a busy database answers "later".</summary>
    private async Task<HttpResponseMessage> RequestRebuildAsync(string projection)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/admin/projections/{projection}/rebuild");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiFixture.AdminKey);
            var response = await host.Client.SendAsync(request);
            if (attempt == 10 || response.StatusCode is not (System.Net.HttpStatusCode.TooManyRequests or System.Net.HttpStatusCode.ServiceUnavailable)) return response;
            var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
            response.Dispose();
            await Task.Delay(wait);
        }
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
