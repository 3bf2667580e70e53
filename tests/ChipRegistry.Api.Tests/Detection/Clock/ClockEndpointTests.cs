using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using ChipRegistry.Domain.Detection.Clock;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Persistence;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace ChipRegistry.Api.Tests.Detection.Clock;

/// <summary>The manual clock (test hosts run with <c>Registry:Clock=manual</c>) and its endpoints.</summary>
public sealed class ClockEndpointTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task a_manual_tick_moves_the_clock_the_same_tick_again_is_answered_and_an_earlier_one_is_refused()
    {
        var agency = await host.OrganisationKeyAsync("clock-agency", OrganisationKind.Agency);
        var first = await host.SendAsync(HttpMethod.Post, "/api/v1/admin/clock-ticks", ApiFixture.AdminKey, new { at = "2026-03-01T10:00:00Z" });
        var later = await host.SendAsync(HttpMethod.Post, "/api/v1/admin/clock-ticks", ApiFixture.AdminKey, new { at = "2026-03-01T11:00:00+01:00" });
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
        var before = await ClockTicksAsync();

        var again = await host.SendAsync(HttpMethod.Post, "/api/v1/admin/clock-ticks", ApiFixture.AdminKey, new { at = "2026-03-01T10:00:00Z" });
        var earlier = await host.SendAsync(HttpMethod.Post, "/api/v1/admin/clock-ticks", ApiFixture.AdminKey, new { at = "2026-03-01T09:59:59Z" });
        var fraction = await host.SendAsync(HttpMethod.Post, "/api/v1/admin/clock-ticks", ApiFixture.AdminKey, new { at = "2026-03-01T12:00:00.5Z" });

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        using (var answer = JsonDocument.Parse(await again.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)))
        {
            Assert.Equal("2026-03-01T10:00:00Z", answer.RootElement.GetProperty("latestTick").GetString());
        }
        Assert.Equal((HttpStatusCode.Conflict, "tick_not_after_latest"), (earlier.StatusCode, await ApiFixture.ProblemCodeAsync(earlier)));
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "invalid_tick"), (fraction.StatusCode, await ApiFixture.ProblemCodeAsync(fraction)));
        Assert.Equal(before, await ClockTicksAsync());
        using var clock = await host.GetJsonAsync(agency.Token, "/api/v1/clock");
        Assert.Equal("manual", clock.RootElement.GetProperty("mode").GetString());
        Assert.Equal("2026-03-01T10:00:00Z", clock.RootElement.GetProperty("latestTick").GetString());
        Assert.Equal(before.Count, clock.RootElement.GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task a_tick_outside_the_business_time_window_is_refused()
    {
        var past = await host.SendAsync(HttpMethod.Post, "/api/v1/admin/clock-ticks", ApiFixture.AdminKey, new { at = "2014-12-31T23:00:00Z" });
        var future = await host.SendAsync(HttpMethod.Post, "/api/v1/admin/clock-ticks", ApiFixture.AdminKey, new { at = "2199-01-01T00:00:00Z" });
        Assert.Equal("business_time_out_of_range", await ApiFixture.ProblemCodeAsync(past));
        Assert.Equal("business_time_out_of_range", await ApiFixture.ProblemCodeAsync(future));
    }

    [Fact]
    public async Task an_hourly_clock_refuses_manual_ticks()
    {
        // A database of its own: an hourly host ticks the hour just begun when it starts, and in the class's database
        // that tick (today) would refuse every earlier manual tick of the other tests, in whatever order they run.
        await using var database = await ChipRegistry.Testing.TestDatabase.CreateAsync(TestContext.Current.CancellationToken);
        await using var hourly = await host.StartAnotherAsync(builder => builder
            .UseSetting("ConnectionStrings:Registry", database.ConnectionString)
            .UseSetting("Registry:Clock", "hourly"));
        using var client = hourly.Server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/admin/clock-ticks")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { at = "2026-03-02T10:00:00Z" }),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ApiFixture.AdminKey);

        var refused = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal((HttpStatusCode.Conflict, "clock_not_manual"), (refused.StatusCode, await ApiFixture.ProblemCodeAsync(refused)));
        Assert.DoesNotContain(Instant.FromUtc(2026, 3, 2, 10, 0), await ClockTicks.ReadAsync(database));
    }

    /// <summary>The clock stream's tick instants, in stream order.</summary>
    private async Task<List<Instant>> ClockTicksAsync() => await ClockTicks.ReadAsync(host.Database);
}

/// <summary>The hourly clock of several hosts on one database (its own database: its ticks are the wall clock's).</summary>
public sealed class ClockTickerTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task two_hosts_ticking_every_second_leave_one_tick_per_instant()
    {
        var before = await ClockTicksAsync();
        var hosts = new List<Alba.IAlbaHost>();
        for (var i = 0; i < 2; i++)
        {
            hosts.Add(await host.StartAnotherAsync(builder =>
            {
                builder.UseSetting("Registry:Clock", "hourly");
                builder.UseSetting("Registry:ClockInterval", "00:00:01");
            }));
        }
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await ClockTicksAsync()).Count < before.Count + 4 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
        foreach (var running in hosts)
        {
            await running.DisposeAsync();
        }

        var ticks = (await ClockTicksAsync()).Skip(before.Count).ToList();
        Assert.True(ticks.Count >= 4, $"{ticks.Count} ticks in 30 s from two hosts ticking every second");
        Assert.Equal(ticks.Count, ticks.Distinct().Count());
        Assert.Equal(ticks.Order(), ticks);
        Assert.All(ticks, t => Assert.Equal(0, t.ToUnixTimeTicks() % NodaConstants.TicksPerSecond));
    }

    private async Task<List<Instant>> ClockTicksAsync() => await ClockTicks.ReadAsync(host.Database);
}

/// <summary>Ticks raced from two hosts on one database (its own database: it ticks at an instant of its choosing).</summary>
public sealed class ClockRaceTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task ticks_raced_from_two_hosts_at_one_instant_leave_one_tick()
    {
        await using var second = await host.StartAnotherAsync(_ => { });
        var pipelines = new[] { host.Commands, second.Services.GetRequiredService<CommandPipeline>() };
        var at = Instant.FromUtc(2026, 6, 1, 0, 0);
        var before = (await ClockTicksAsync()).Count;

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() =>
            pipelines[i % 2].TickAsync(new TickClock(at, BuiltInOrganisations.RegistryAdmin), null, TestContext.Current.CancellationToken))));

        Assert.All(results, r => Assert.Null(r.Error));
        Assert.Single(results, r => r.Tick!.Appended);
        var ticks = await ClockTicksAsync();
        Assert.Equal(before + 1, ticks.Count);
        Assert.Equal(at, ticks[^1]);
    }

    private async Task<List<Instant>> ClockTicksAsync() => await ClockTicks.ReadAsync(host.Database);
}

/// <summary>Reads the ticks straight from the events table, as appended.</summary>
internal static class ClockTicks
{
    public static async Task<List<Instant>> ReadAsync(ChipRegistry.Testing.TestDatabase database)
    {
        await using var connection = await database.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            "select occurred_at from chipregistry.events where type = 'clock_ticked' order by version", connection);
        var ticks = new List<Instant>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ticks.Add(Instant.FromDateTimeUtc(reader.GetDateTime(0)));
        }
        return ticks;
    }
}
