using System.Net;
using System.Text.Json;
using Alba;
using ChipRegistry.EventStore;
using ChipRegistry.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ChipRegistry.Api.Tests.Health;

public sealed class HealthEndpointTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private const string Unreachable = "Host=/nonexistent/socket/dir;Username=postgres;Database=postgres;Timeout=2";

    [Fact]
    public async Task health_answers_200_while_the_process_serves_even_without_a_database()
    {
        await using var api = await ApiHosts.ForDatabaseAsync(Unreachable);

        await api.Scenario(s =>
        {
            s.Get.Url("/health");
            s.StatusCodeShouldBe(HttpStatusCode.OK);
        });
    }

    [Fact]
    public async Task ready_is_200_once_the_database_answers_and_migrations_are_applied()
    {
        await using var api = await ApiHosts.ForDatabaseAsync(fixture.Database.ConnectionString);
        using var client = api.Server.CreateClient();

        var response = await Readiness.WaitUntilHealthyAsync(client);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("Healthy", body.RootElement.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
        Assert.Equal("Healthy", body.RootElement.GetProperty("checks").GetProperty("schema").GetProperty("status").GetString());
        var daemon = body.RootElement.GetProperty("checks").GetProperty("daemon");
        Assert.True(daemon.GetProperty("data").TryGetProperty("highWaterMark", out _), daemon.ToString());
        Assert.True(daemon.GetProperty("data").TryGetProperty("markStalled", out _), daemon.ToString());
        // Each async projection's lag: sequence numbers behind the mark and the highest committed one, seconds of business and recorded time.
        foreach (var projection in daemon.GetProperty("data").GetProperty("projections").EnumerateObject())
        {
            foreach (var member in new[] { "lag", "sequenceGap", "businessLagSeconds", "recordedLagSeconds", "version" })
            {
                Assert.True(projection.Value.TryGetProperty(member, out _), $"{projection.Name} has no {member}: {projection.Value}");
            }
        }
        Assert.True(daemon.GetProperty("data").GetProperty("projections").TryGetProperty("licence_list", out _), daemon.ToString());
    }

    [Fact]
    public async Task ready_is_503_while_migrations_are_missing_and_200_once_they_are_applied()
    {
        await using var database = await TestDatabase.CreateAsync(TestContext.Current.CancellationToken);
        await using var api = await ApiHosts.StartAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings:Registry"] = database.ConnectionString,
            ["Registry:MigrateOnStartup"] = "false",
        });
        using var client = api.Server.CreateClient();

        var unready = await client.GetAsync(new Uri("/health/ready", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, unready.StatusCode);
        using (var body = JsonDocument.Parse(await unready.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)))
        {
            Assert.Equal("Healthy", body.RootElement.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
            Assert.Equal("Unhealthy", body.RootElement.GetProperty("checks").GetProperty("schema").GetProperty("status").GetString());
        }

        // A request meanwhile waits for the start-up, then is told to come back: never a 500 from a missing table.
        var early = await client.GetAsync(new Uri("/api/v1/models", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, early.StatusCode);
        Assert.Equal("starting", await ApiFixture.ProblemCodeAsync(early));
        Assert.NotNull(early.Headers.RetryAfter);

        await api.Services.GetRequiredService<PostgresEventStore>().MigrateAsync(TestContext.Current.CancellationToken);

        // The instance notices the schema is current, creates the projection tables, and only then is ready.
        var ready = await Readiness.WaitUntilReadyAsync(client);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        await using var placements = api.Services.GetRequiredService<Npgsql.NpgsqlDataSource>()
            .CreateCommand($"select to_regclass('{api.Services.GetRequiredService<PostgresEventStore>().Schema.Quoted}.chip_placements') is not null");
        Assert.True((bool)(await placements.ExecuteScalarAsync(TestContext.Current.CancellationToken))!, "ready before the projection tables exist");
    }

    [Fact]
    public async Task ready_is_503_when_the_database_cannot_be_reached()
    {
        await using var api = await ApiHosts.ForDatabaseAsync(Unreachable);

        await api.Scenario(s =>
        {
            s.Get.Url("/health/ready");
            s.StatusCodeShouldBe(HttpStatusCode.ServiceUnavailable);
        });
    }
}
