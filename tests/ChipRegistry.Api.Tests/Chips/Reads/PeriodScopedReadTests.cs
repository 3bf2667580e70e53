using System.Net;
using System.Text.Json;
using ChipRegistry.Api.Keys;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Persistence;
using Microsoft.Extensions.DependencyInjection;
using NodaTime.Text;

namespace ChipRegistry.Api.Tests.Chips.Reads;

public sealed class PeriodScopedReadTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    private sealed record World(string ChipId, Actor Maker, Actor Distributor, Actor Reseller, Actor Third,
        IssuedKeyResponse MakerKey, IssuedKeyResponse DistributorKey, IssuedKeyResponse ResellerKey);

    /// <summary>
    /// maker makes it (1); sells to the distributor (2, 3); ships it to the distributor, who receives it (4, 5); a
    /// stranger reports seeing it elsewhere (6); the distributor sells on to the reseller (7, 8) and hands it over
    /// (9, 10), which ends its holding; the reseller offers it on (11) and voids that offer (12).
    /// </summary>
    private async Task<World> ArrangeAsync()
    {
        var run = Guid.NewGuid().ToString("N")[..10];
        var makerKey = await host.OrganisationKeyAsync($"ps-maker-{run}", OrganisationKind.Manufacturer, "TW");
        var distributorKey = await host.OrganisationKeyAsync($"ps-dist-{run}", OrganisationKind.Distributor, "SG");
        var resellerKey = await host.OrganisationKeyAsync($"ps-resell-{run}", OrganisationKind.Distributor, "US");
        await host.RegisterOrganisationAsync($"ps-third-{run}", OrganisationKind.Operator, "US");
        var maker = new Actor(makerKey.OrganisationId, OrganisationKind.Manufacturer);
        var distributor = new Actor(distributorKey.OrganisationId, OrganisationKind.Distributor);
        var reseller = new Actor(resellerKey.OrganisationId, OrganisationKind.Distributor);
        var third = new Actor($"ps-third-{run}", OrganisationKind.Operator);

        var chipId = await ChipArrange.RegisterOneAsync(host, maker.OrganisationId);
        await ChipArrange.SellAsync(host, chipId, maker, distributor);
        await ChipArrange.HandOverAsync(host, chipId, maker, distributor);
        ChipArrange.Accepted(await host.Commands.HandleAsync(new ReportChipObservation(Guid.NewGuid(), chipId, "sighting", null, "MY", "seen in a rack", third, ChipArrange.Now)));
        await ChipArrange.SellAsync(host, chipId, distributor, reseller);
        await ChipArrange.HandOverAsync(host, chipId, distributor, reseller);
        await ChipArrange.OfferAsync(host, chipId, reseller, third.OrganisationId);
        ChipArrange.Accepted(await host.Commands.HandleAsync(new VoidChipEvent(Guid.NewGuid(), chipId, await LastEventIdAsync(chipId), "wrong buyer", reseller, ChipArrange.Now)));
        return new World(chipId, maker, distributor, reseller, third, makerKey, distributorKey, resellerKey);
    }

    private async Task<Guid> LastEventIdAsync(string chipId)
    {
        var reads = host.Services.GetRequiredService<RegistryReads>();
        return (await reads.ReadChipHistoryAsync(chipId, cancellationToken: TestContext.Current.CancellationToken))[^1].EventId;
    }

    private static string[] Types(JsonDocument history) =>
        history.RootElement.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("type").GetString()!).ToArray();

    private static long[] Versions(JsonDocument history) =>
        history.RootElement.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("version").GetInt64()).ToArray();

    [Fact]
    public async Task a_former_holder_reads_from_the_sale_that_gave_it_the_chip_to_the_handover_that_ended_its_holding_and_nothing_after()
    {
        var world = await ArrangeAsync();

        using var history = await host.GetJsonAsync(world.DistributorKey.Token, $"/api/v1/chips/{world.ChipId}/history");

        Assert.Equal([2L, 3, 4, 5, 6, 7, 8, 9, 10], Versions(history));
        Assert.Equal(["chip_sale_offered", "chip_sale_accepted", "chip_shipped", "chip_received", "chip_observed", "chip_sale_offered", "chip_sale_accepted", "chip_shipped", "chip_received"], Types(history));
        Assert.True(history.RootElement.GetProperty("asOfYourHolding").GetBoolean());
        Assert.Equal("as_of_your_holding", history.RootElement.GetProperty("view").GetString());
        Assert.Equal(10, history.RootElement.GetProperty("version").GetInt64());
        var last = history.RootElement.GetProperty("entries")[8];
        Assert.Equal((world.Reseller.OrganisationId, world.Reseller.OrganisationId), (last.GetProperty("ownerId").GetString(), last.GetProperty("custodianId").GetString()));

        var response = await host.SendAsync(HttpMethod.Get, $"/api/v1/chips/{world.ChipId}", world.DistributorKey.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var state = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("\"10\"", response.Headers.ETag?.ToString());
        Assert.Equal(10, state.RootElement.GetProperty("version").GetInt64());
        Assert.True(state.RootElement.GetProperty("asOfYourHolding").GetBoolean());
        Assert.Equal(JsonValueKind.Null, state.RootElement.GetProperty("offer").ValueKind);
        Assert.Equal(world.Reseller.OrganisationId, state.RootElement.GetProperty("ownerId").GetString());
        Assert.Equal(1, state.RootElement.GetProperty("observations").GetInt32());
    }

    [Fact]
    public async Task a_party_now_gets_the_current_state_with_the_stream_version_as_etag_and_its_own_period_of_history()
    {
        var world = await ArrangeAsync();

        var response = await host.SendAsync(HttpMethod.Get, $"/api/v1/chips/{world.ChipId}", world.ResellerKey.Token);
        using var state = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("\"12\"", response.Headers.ETag?.ToString());
        Assert.Equal(12, state.RootElement.GetProperty("version").GetInt64());
        Assert.Equal(("current", false), (state.RootElement.GetProperty("view").GetString(), state.RootElement.GetProperty("asOfYourHolding").GetBoolean()));
        Assert.Equal(("in_stock", "US"), (state.RootElement.GetProperty("stage").GetString(), state.RootElement.GetProperty("locationCountry").GetString()));

        using var history = await host.GetJsonAsync(world.ResellerKey.Token, $"/api/v1/chips/{world.ChipId}/history");
        Assert.Equal([7L, 8, 9, 10, 11, 12], Versions(history));
        var entries = history.RootElement.GetProperty("entries");
        Assert.True(entries[4].GetProperty("voided").GetBoolean());
        Assert.Equal(entries[4].GetProperty("eventId").GetString(), entries[5].GetProperty("voidsEventId").GetString());
        Assert.False(entries[5].GetProperty("voided").GetBoolean());
    }

    [Fact]
    public async Task an_agency_reads_everything_with_names_countries_shipments_observations_and_both_times_and_each_read_is_logged()
    {
        var world = await ArrangeAsync();
        var agency = await host.OrganisationKeyAsync($"ps-agency-{Guid.NewGuid():N}", OrganisationKind.Agency);
        var before = ChipArrange.Now;

        using var history = await host.GetJsonAsync(agency.Token, $"/api/v1/chips/{world.ChipId}/history");
        using var state = await host.GetJsonAsync(agency.Token, $"/api/v1/chips/{world.ChipId}");
        var after = ChipArrange.Now;

        Assert.Equal(Enumerable.Range(1, 12).Select(v => (long)v), Versions(history));
        var entries = history.RootElement.GetProperty("entries");
        var made = entries[0];
        Assert.Equal("chip_fabricated", made.GetProperty("type").GetString());
        Assert.Equal(world.Maker.OrganisationId, made.GetProperty("actingOrganisation").GetProperty("id").GetString());
        Assert.Equal($"{world.Maker.OrganisationId} (Manufacturer)", made.GetProperty("actingOrganisation").GetProperty("name").GetString());
        Assert.Equal("TW", made.GetProperty("actingOrganisation").GetProperty("country").GetString());
        Assert.True(InstantPattern.ExtendedIso.Parse(made.GetProperty("occurredAt").GetString()!).Success);
        Assert.True(InstantPattern.ExtendedIso.Parse(made.GetProperty("recordedAt").GetString()!).Success);

        var shipped = entries[3];
        Assert.Equal("chip_shipped", shipped.GetProperty("type").GetString());
        var shipment = shipped.GetProperty("shipment");
        Assert.Equal("US", shipment.GetProperty("destinationCountry").GetString());
        Assert.Equal(world.Distributor.OrganisationId, shipment.GetProperty("consignee").GetProperty("id").GetString());
        Assert.Equal("SG", shipment.GetProperty("consignee").GetProperty("country").GetString());
        Assert.Contains(shipment.GetProperty("licenceCheck").GetString(), new[] { "ok", "none_needed" });
        Assert.Equal(("in_transit", world.Distributor.OrganisationId, world.Maker.OrganisationId),
            (shipped.GetProperty("stage").GetString(), shipped.GetProperty("ownerId").GetString(), shipped.GetProperty("custodianId").GetString()));

        var observed = entries[5];
        Assert.True(observed.GetProperty("observation").GetBoolean());
        Assert.Equal("not_custodian", observed.GetProperty("conflictCode").GetString());
        Assert.All(entries.EnumerateArray().Where(e => e.GetProperty("type").GetString() != "chip_observed"), e => Assert.False(e.GetProperty("observation").GetBoolean()));
        Assert.Equal(12, state.RootElement.GetProperty("version").GetInt64());
        Assert.False(state.RootElement.GetProperty("asOfYourHolding").GetBoolean());

        // The distributor's own reads are not logged; the agency's two are, with who, what and when.
        await host.GetJsonAsync(world.DistributorKey.Token, $"/api/v1/chips/{world.ChipId}/history");
        var logged = (await ReadLogAsync()).Where(e => e.GetProperty("chipId").GetString() == world.ChipId).ToList();
        Assert.Equal(["chip_history", "chip_state"], logged.Select(e => e.GetProperty("endpoint").GetString()));
        Assert.All(logged, e =>
        {
            Assert.Equal(agency.OrganisationId, e.GetProperty("organisationId").GetString());
            Assert.Equal(agency.KeyId, e.GetProperty("keyId").GetString());
            var at = InstantPattern.ExtendedIso.Parse(e.GetProperty("readAt").GetString()!).Value;
            Assert.InRange(at, before - NodaTime.Duration.FromSeconds(5), after + NodaTime.Duration.FromSeconds(5));
        });
    }

    [Fact]
    public async Task history_as_of_a_recorded_or_business_instant_stops_there()
    {
        var world = await ArrangeAsync();
        var agency = await host.OrganisationKeyAsync("ps-agency-times", OrganisationKind.Agency);
        using var all = await host.GetJsonAsync(agency.Token, $"/api/v1/chips/{world.ChipId}/history");
        var third = all.RootElement.GetProperty("entries")[2];

        using var known = await host.GetJsonAsync(agency.Token, $"/api/v1/chips/{world.ChipId}/history?knownAt={Uri.EscapeDataString(third.GetProperty("recordedAt").GetString()!)}");
        Assert.Equal([1L, 2, 3], Versions(known));
        using var occurred = await host.GetJsonAsync(agency.Token, $"/api/v1/chips/{world.ChipId}/history?asOf={Uri.EscapeDataString(third.GetProperty("occurredAt").GetString()!)}");
        Assert.Equal([1L, 2, 3], Versions(occurred));
        Assert.Equal(third.GetProperty("occurredAt").GetString(), occurred.RootElement.GetProperty("asOf").GetString());

        var bad = await host.SendAsync(HttpMethod.Get, $"/api/v1/chips/{world.ChipId}/history?asOf=yesterday", agency.Token);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("invalid_instant", await ApiFixture.ProblemCodeAsync(bad));
    }

    [Fact]
    public async Task the_read_log_pages_with_a_cursor_and_refuses_a_bad_one()
    {
        var world = await ArrangeAsync();
        var agency = await host.OrganisationKeyAsync("ps-agency-pages", OrganisationKind.Agency);
        for (var i = 0; i < 3; i++)
        {
            await host.GetJsonAsync(agency.Token, $"/api/v1/chips/{world.ChipId}");
        }

        var seen = new List<long>();
        string? cursor = null;
        do
        {
            using var page = await host.GetJsonAsync(ApiFixture.AdminKey, $"/api/v1/admin/chip-reads?limit=2{(cursor is null ? "" : $"&cursor={cursor}")}");
            var entries = page.RootElement.GetProperty("entries").EnumerateArray().ToList();
            Assert.InRange(entries.Count, 1, 2);
            seen.AddRange(entries.Select(e => e.GetProperty("entryId").GetInt64()));
            cursor = page.RootElement.GetProperty("next").GetString();
        }
        while (cursor is not null);
        Assert.Equal(seen.Order(), seen);
        Assert.Equal(seen.Distinct().Count(), seen.Count);
        Assert.True(seen.Count >= 3);

        foreach (var query in new[] { "cursor=abc", "cursor=-1", "limit=0", "limit=201" })
        {
            var bad = await host.SendAsync(HttpMethod.Get, $"/api/v1/admin/chip-reads?{query}", ApiFixture.AdminKey);
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        }
    }

    private async Task<List<JsonElement>> ReadLogAsync()
    {
        var all = new List<JsonElement>();
        string? cursor = null;
        do
        {
            using var page = await host.GetJsonAsync(ApiFixture.AdminKey, $"/api/v1/admin/chip-reads?limit=200{(cursor is null ? "" : $"&cursor={cursor}")}");
            all.AddRange(page.RootElement.GetProperty("entries").EnumerateArray().Select(e => e.Clone()));
            cursor = page.RootElement.GetProperty("next").GetString();
        }
        while (cursor is not null);
        return all;
    }
}
