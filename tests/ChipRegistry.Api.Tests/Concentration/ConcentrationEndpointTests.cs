using System.Net;
using System.Text.Json;
using ChipRegistry.Api.Tests.Chips.Reads;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace ChipRegistry.Api.Tests.Concentration;

/// <summary>
/// GET /api/v1/concentration/{grouping} on the API host's daemon: agencies see every chip (the not-installed ones in
/// buckets), an operator only the chips in the facilities it runs that day (a hand-over moves them to the new
/// operator's answer), pages follow H100-equivalents then key, and bad parameters are refused where they are read.
/// </summary>
public sealed class ConcentrationEndpointTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static string[] Rows(JsonDocument answer) =>
        [.. answer.RootElement.GetProperty("groups").EnumerateArray().Select(g =>
            $"{g.GetProperty("key").GetString()} {g.GetProperty("chips").GetInt64()} {g.GetProperty("tpp").GetDecimal()} {(g.GetProperty("declaredPowerMw") is { ValueKind: JsonValueKind.Number } power ? power.GetDecimal().ToString(System.Globalization.CultureInfo.InvariantCulture) : "null")}")];

    /// <summary>The answer once the daemon has applied everything up to <paramref name="seqId"/>.</summary>
    private async Task<JsonDocument> CaughtUpAsync(string key, string path, long seqId)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            var answer = await host.GetJsonAsync(key, path);
            if (answer.RootElement.GetProperty("projectedThroughSeqId").GetInt64() >= seqId) return answer;
            Assert.True(DateTime.UtcNow < deadline, "the projections did not reach the last event");
            answer.Dispose();
            await Task.Delay(100, Cancel);
        }
    }

    private async Task<long> LastSeqIdAsync()
    {
        var schema = host.Services.GetRequiredService<ChipRegistry.EventStore.IEventStore>().Schema.Quoted;
        await using var command = host.Services.GetRequiredService<Npgsql.NpgsqlDataSource>().CreateCommand($"select max(seq_id) from {schema}.events");
        return (long)(await command.ExecuteScalarAsync(Cancel))!;
    }

    [Fact]
    public async Task agencies_see_every_chip_an_operator_its_own_facilities_and_pages_follow_h100_equivalents()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var maker = new Actor($"cc-maker-{run}", OrganisationKind.Manufacturer);
        var op1Key = await host.OrganisationKeyAsync($"cc-op1-{run}", OrganisationKind.Operator);
        var op2Key = await host.OrganisationKeyAsync($"cc-op2-{run}", OrganisationKind.Operator);
        var op1 = new Actor(op1Key.OrganisationId, OrganisationKind.Operator);
        var facilityId = $"cc-site-{run}";
        Assert.Equal(HttpStatusCode.Created, (await host.SendAsync(HttpMethod.Post, "/api/v1/facilities", op1Key.Token,
            new { facilityId, name = "Site", country = "US", latitude = 35m, longitude = -90m, declaredPowerMw = 30m })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await host.SendAsync(HttpMethod.Post, $"/api/v1/facilities/{facilityId}/clusters", op1Key.Token, new { clusterId = "c1", name = "Hall" })).StatusCode);
        var chips = await ChipArrange.RegisterAsync(host, maker.OrganisationId, 3);
        var facility = (await host.Services.GetRequiredService<RegistryReads>().LoadFacilityAsync(facilityId, Cancel)).State!;
        foreach (var chip in chips)
        {
            await ChipArrange.HandOverAsync(host, chip, maker, op1);
        }
        foreach (var chip in chips.Take(2))
        {
            ChipArrange.Accepted(await host.Commands.HandleAsync(new InstallChip(Guid.NewGuid(), chip, facility, "c1", "r1", op1, ChipArrange.Now), cancellationToken: Cancel));
        }

        using var agency = await CaughtUpAsync(ApiFixture.AdminKey, "/api/v1/concentration/facility", await LastSeqIdAsync());
        Assert.Equal([$"{facilityId} 2 31662.4 30", "*in_stock 1 15831.2 null"], Rows(agency));
        using (var mine = await host.GetJsonAsync(op1Key.Token, "/api/v1/concentration/facility"))
        {
            Assert.Equal([$"{facilityId} 2 31662.4 30"], Rows(mine));
        }
        using (var others = await host.GetJsonAsync(op2Key.Token, "/api/v1/concentration/facility"))
        {
            Assert.Empty(Rows(others));
        }

        // Pages: the larger group first, then the cursor to the other.
        using var first = await host.GetJsonAsync(ApiFixture.AdminKey, "/api/v1/concentration/facility?top=1");
        Assert.Equal([$"{facilityId} 2 31662.4 30"], Rows(first));
        var next = first.RootElement.GetProperty("next").GetString()!;
        using var second = await host.GetJsonAsync(ApiFixture.AdminKey, $"/api/v1/concentration/facility?top=1&cursor={next}");
        Assert.Equal(["*in_stock 1 15831.2 null"], Rows(second));
        Assert.Equal(JsonValueKind.Null, second.RootElement.GetProperty("next").ValueKind);

        // The site changes hands today: its chips leave op1's answer for op2's.
        Assert.Equal(HttpStatusCode.OK, (await host.SendAsync(HttpMethod.Post, $"/api/v1/facilities/{facilityId}/operator", op1Key.Token,
            new { operatorId = op2Key.OrganisationId, effectiveFrom = ChipArrange.Now.InUtc().Date.ToString("yyyy-MM-dd", null) })).StatusCode);
        using (var handedOver = await CaughtUpAsync(op2Key.Token, "/api/v1/concentration/operator", await LastSeqIdAsync()))
        {
            Assert.Equal([$"{op2Key.OrganisationId} 2 31662.4 null"], Rows(handedOver));
        }
        using (var left = await host.GetJsonAsync(op1Key.Token, "/api/v1/concentration/operator"))
        {
            Assert.Empty(Rows(left));
        }

        var manufacturer = await host.OrganisationKeyAsync($"cc-mfr-{run}", OrganisationKind.Manufacturer);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.SendAsync(HttpMethod.Get, "/api/v1/concentration/facility", manufacturer.Token)).StatusCode);
        Assert.Equal("unknown_grouping", await ApiFixture.ProblemCodeAsync(await host.SendAsync(HttpMethod.Get, "/api/v1/concentration/planet", ApiFixture.AdminKey)));
        Assert.Equal("invalid_as_of", await ApiFixture.ProblemCodeAsync(await host.SendAsync(HttpMethod.Get, "/api/v1/concentration/owner?asOf=2024-13-01", ApiFixture.AdminKey)));
        Assert.Equal("invalid_status", await ApiFixture.ProblemCodeAsync(await host.SendAsync(HttpMethod.Get, "/api/v1/concentration/owner?status=destroyed", ApiFixture.AdminKey)));
        Assert.Equal("invalid_limit", await ApiFixture.ProblemCodeAsync(await host.SendAsync(HttpMethod.Get, "/api/v1/concentration/owner?top=0", ApiFixture.AdminKey)));
        Assert.Equal("invalid_cursor", await ApiFixture.ProblemCodeAsync(await host.SendAsync(HttpMethod.Get, "/api/v1/concentration/owner?cursor=%21%21", ApiFixture.AdminKey)));
    }
}
