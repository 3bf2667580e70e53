using System.Net;
using System.Text.Json;
using ChipRegistry.EventStore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ChipRegistry.Api.Tests.Projections;

/// <summary>POST /api/v1/admin/projections/{name}/rebuild and the rebuild resource it answers with.</summary>
public sealed class ProjectionRebuildEndpointTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private async Task<long> ScalarAsync(string sql)
    {
        var schema = host.Services.GetRequiredService<PostgresEventStore>().Schema.Quoted;
        await using var command = host.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand(sql.Replace("{schema}", schema, StringComparison.Ordinal));
        return Convert.ToInt64(await command.ExecuteScalarAsync(Cancel), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task an_admin_starts_a_rebuild_and_follows_it_to_done()
    {
        var response = await host.SendAsync(HttpMethod.Post, "/api/v1/admin/projections/facility_list/rebuild", ApiFixture.AdminKey);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using var accepted = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel));
        var self = accepted.RootElement.GetProperty("self").GetString()!;
        Assert.Equal(self, response.Headers.Location?.OriginalString);
        Assert.Equal(("facility_list", "requested", "queued"),
            (accepted.RootElement.GetProperty("projection").GetString(), accepted.RootElement.GetProperty("reason").GetString(), accepted.RootElement.GetProperty("state").GetString()));

        var deadline = DateTime.UtcNow.AddMinutes(1);
        JsonDocument rebuild;
        while (true)
        {
            rebuild = await host.GetJsonAsync(ApiFixture.AdminKey, self);
            if (rebuild.RootElement.GetProperty("state").GetString() is "done" or "failed") break;
            Assert.True(DateTime.UtcNow < deadline, "the rebuild did not finish");
            rebuild.Dispose();
            await Task.Delay(50, Cancel);
        }
        using (rebuild)
        {
            var done = rebuild.RootElement;
            Assert.Equal("done", done.GetProperty("state").GetString());
            Assert.Equal(done.GetProperty("checkpoint").GetInt64(), done.GetProperty("eventsDone").GetInt64());
            Assert.Equal(done.GetProperty("eventsTotal").GetInt64(), done.GetProperty("eventsDone").GetInt64());
            Assert.True(done.GetProperty("checkpoint").GetInt64() > 0, "the catalog's seeding is in the log");
            Assert.Equal(0, done.GetProperty("deadLetters").GetInt32());
            Assert.Equal(JsonValueKind.Null, done.GetProperty("estimatedDoneAt").ValueKind);
        }
    }

    [Fact]
    public async Task a_second_request_while_one_is_unfinished_is_409_with_the_unfinished_ones_link()
    {
        // An unfinished rebuild as another instance would leave it while it runs (its heartbeat fresh).
        var running = await ScalarAsync(
            "insert into {schema}.projection_rebuilds (projection, reason, state, version) values ('licence_list', 'requested', 'running', 1) returning rebuild_id");
        try
        {
            var response = await host.SendAsync(HttpMethod.Post, "/api/v1/admin/projections/licence_list/rebuild", ApiFixture.AdminKey);

            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel));
            Assert.Equal("rebuild_running", problem.RootElement.GetProperty("code").GetString());
            var link = problem.RootElement.GetProperty("rebuild").GetString();
            Assert.Equal($"/api/v1/admin/projections/licence_list/rebuilds/{running}", link);
            using var followed = await host.GetJsonAsync(ApiFixture.AdminKey, link!);
            Assert.Equal("running", followed.RootElement.GetProperty("state").GetString());
            Assert.Equal(1, await ScalarAsync("select count(*) from {schema}.projection_rebuilds where projection = 'licence_list'"));
        }
        finally
        {
            await ScalarAsync($"update {{schema}}.projection_rebuilds set state = 'failed', finished_at = now() where rebuild_id = {running} returning 1");
        }
    }

    [Theory]
    [InlineData(HttpMethodKind.Post, "/api/v1/admin/projections/no_such_projection/rebuild", "projection_not_found")]
    [InlineData(HttpMethodKind.Get, "/api/v1/admin/projections/no_such_projection/rebuilds/1", "projection_not_found")]
    [InlineData(HttpMethodKind.Get, "/api/v1/admin/projections/chip_placements/rebuilds/999999999", "rebuild_not_found")]
    [InlineData(HttpMethodKind.Get, "/api/v1/admin/projections/chip_placements/rebuilds/not-a-number", "rebuild_not_found")]
    public async Task unknown_projections_and_rebuilds_are_404_with_their_code(HttpMethodKind method, string path, string code)
    {
        var response = await host.SendAsync(method == HttpMethodKind.Post ? HttpMethod.Post : HttpMethod.Get, path, ApiFixture.AdminKey);
        Assert.Equal((HttpStatusCode.NotFound, code), (response.StatusCode, await ApiFixture.ProblemCodeAsync(response)));
    }

    [Fact]
    public async Task a_rebuild_of_one_projection_is_not_found_under_another()
    {
        var response = await host.SendAsync(HttpMethod.Post, "/api/v1/admin/projections/chip_placements/rebuild", ApiFixture.AdminKey);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using var accepted = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel));
        var id = accepted.RootElement.GetProperty("rebuildId").GetInt64();

        var elsewhere = await host.SendAsync(HttpMethod.Get, $"/api/v1/admin/projections/facility_list/rebuilds/{id}", ApiFixture.AdminKey);

        Assert.Equal((HttpStatusCode.NotFound, "rebuild_not_found"), (elsewhere.StatusCode, await ApiFixture.ProblemCodeAsync(elsewhere)));
    }

    public enum HttpMethodKind
    {
        Get,
        Post,
    }
}
