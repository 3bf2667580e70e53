using System.Net;
using ChipRegistry.Api.Chips.Lifecycle;
using ChipRegistry.Api.Chips.Lots;
using ChipRegistry.Api.Chips.Observations;
using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Facilities;
using ChipRegistry.Domain.Licences;
using ChipRegistry.Domain.Organisations;
using NodaTime;
using static ChipRegistry.Api.Tests.Chips.ChipApi;

namespace ChipRegistry.Api.Tests.Chips;

/// <summary>A chip's life through the API, each step by the user group that records it, on a real PostgreSQL.</summary>
public sealed class ChipLifecycleScenarioTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    private static readonly NodaTime.OffsetDateTime Earlier = NodaTime.SystemClock.Instance.GetCurrentInstant().Minus(NodaTime.Duration.FromHours(2)).WithOffset(NodaTime.Offset.Zero);

    private sealed record Parties(string Manufacturer, string Distributor, string Operator, string Agency, string Stranger, string FacilityId, string LicenceId);

    /// <summary>nvidia (TW) makes H100s, dist-sg (SG) buys and re-exports, op-gulf (AE) runs fac-gulf, bis is the agency.</summary>
    private async Task<Parties> PartiesAsync()
    {
        var manufacturer = (await host.OrganisationKeyAsync("nvidia", OrganisationKind.Manufacturer, "TW")).Token;
        var distributor = (await host.OrganisationKeyAsync("dist-sg", OrganisationKind.Distributor, "SG")).Token;
        var operatorKey = (await host.OrganisationKeyAsync("op-gulf", OrganisationKind.Operator, "AE")).Token;
        var agency = (await host.OrganisationKeyAsync("bis", OrganisationKind.Agency, "US")).Token;
        var stranger = (await host.OrganisationKeyAsync("dist-other", OrganisationKind.Distributor, "US")).Token;
        await host.RegisterOrganisationAsync("lab-frontier", OrganisationKind.EndUser, "AE");
        var now = SystemClock.Instance.GetCurrentInstant();
        var op = new Actor("op-gulf", OrganisationKind.Operator);
        var parties = new Parties(manufacturer, distributor, operatorKey, agency, stranger, "fac-gulf", "lic-ae-1");
        if ((await new ChipArranger(host).Reads.LoadFacilityAsync("fac-gulf", Cancel)).State is not null)
        {
            return parties;
        }
        (await host.Commands.HandleAsync(new RegisterFacility("fac-gulf", "Gulf One", "AE", 24.4m, 54.4m, 200m, op, now))).EnsureAccepted();
        (await host.Commands.HandleAsync(new RegisterCluster("fac-gulf", "hall-a", "Hall A", op, now))).EnsureAccepted();
        (await host.Commands.HandleAsync(new GrantLicence("lic-ae-1", "D1234567", "dist-sg", "op-gulf", "op-gulf", "AE", [CatalogSeed.H100Sxm.ModelId], 10,
            new LocalDate(2025, 1, 1), new LocalDate(2030, 12, 31), new Actor("bis", OrganisationKind.Agency), now))).EnsureAccepted();
        return parties;
    }

    private async Task<string[]> LotAsync(Parties p, int count = 3)
    {
        var serials = Enumerable.Range(0, count).Select(_ => $"nvidia:{Guid.NewGuid():N}").ToArray();
        var response = await host.SendAsync(HttpMethod.Post, "/api/v1/lots", p.Manufacturer, new LotRequest(ChipArranger.FreshId("tw"), CatalogSeed.H100Sxm.ModelId, "TW", Earlier, serials));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return serials;
    }

    private async Task<System.Text.Json.JsonElement> Step(string key, string chipId, string act, object body, HttpStatusCode expected = HttpStatusCode.Created)
    {
        var response = await host.SendAsync(HttpMethod.Post, $"/api/v1/chips/{chipId}/{act}", key, body);
        var json = await response.JsonAsync();
        Assert.True(expected == response.StatusCode, $"{act}: {(int)response.StatusCode} {json}");
        if (expected == HttpStatusCode.Created)
        {
            Assert.Equal($"\"{json.GetProperty("version").GetInt64()}\"", response.Headers.ETag?.Tag);
        }
        return json;
    }

    [Fact]
    public async Task a_chip_goes_from_lot_to_sale_to_export_with_a_licence_to_installation_tenancy_removal_hold_and_a_void()
    {
        var p = await PartiesAsync();
        var chip = (await LotAsync(p))[0];

        await Step(p.Manufacturer, chip, "sale-offer", new SaleOfferRequest("dist-sg", Earlier));
        await Step(p.Distributor, chip, "sale-offer/acceptance", new SaleAcceptanceRequest(Earlier));
        var domestic = await Step(p.Manufacturer, chip, "shipments", new ShipmentRequest("SG", "dist-sg", "dist-sg", OccurredAt: Earlier));
        Assert.NotEqual("", domestic.GetProperty("licenceCheck").GetProperty("result").GetString());
        await Step(p.Distributor, chip, "receipts", new ReceiptRequest("SG", Earlier));
        var export = await Step(p.Distributor, chip, "shipments", new ShipmentRequest("AE", "op-gulf", "op-gulf", LicenceId: p.LicenceId, OccurredAt: Earlier));
        Assert.Equal("ok", export.GetProperty("licenceCheck").GetProperty("result").GetString());
        Assert.Equal("D1234567", export.GetProperty("licenceCheck").GetProperty("authorisationNumber").GetString());
        await Step(p.Operator, chip, "receipts", new ReceiptRequest("AE", Earlier));
        await Step(p.Operator, chip, "installations", new InstallationRequest(p.FacilityId, "hall-a", "A-12", Earlier));
        await Step(p.Operator, chip, "tenancies", new TenancyRequest("lab-frontier", Earlier, null, Earlier));
        var removal = await Step(p.Operator, chip, "removals", new RemovalRequest("board swap", Earlier));
        await Step(p.Agency, chip, "hold", new HoldRequest("end-use check", Earlier));
        var frozen = await host.SendAsync(HttpMethod.Post, $"/api/v1/chips/{chip}/sale-offer", p.Distributor, new SaleOfferRequest("dist-other"));
        Assert.Equal((409, "chip_on_hold"), await ProblemAsync(frozen));
        await Step(p.Agency, chip, "hold/release", new HoldRequest("cleared", Earlier));
        var removalId = removal.GetProperty("events")[0].GetProperty("eventId").GetGuid();
        var voided = await Step(p.Operator, chip, "voids", new VoidRequest(removalId, "removal entered against the wrong chip"));

        Assert.Equal("chip_event_voided", voided.GetProperty("events")[0].GetProperty("type").GetString());
        var state = (await new ChipArranger(host).LoadAsync(chip)).State;
        Assert.Equal((ChipStage.Installed, "dist-sg", "op-gulf", "lab-frontier"), (state.Stage, state.OwnerId, state.CustodianId, state.Tenancy?.TenantId));
        Assert.Equal(voided.GetProperty("version").GetInt64(), await host.ChipVersionAsync(chip));
        Assert.Equal(13, state.Version);
        Assert.Equal(["nvidia", "nvidia", "dist-sg", "nvidia", "dist-sg", "dist-sg", "op-gulf", "op-gulf", "op-gulf", "op-gulf", "bis", "bis", "op-gulf"],
            await RecordersAsync(chip));
    }

    private async Task<List<string>> RecordersAsync(string chipId)
    {
        var recorders = new List<string>();
        await using var connection = await host.Database.OpenAsync(Cancel);
        await using var command = new Npgsql.NpgsqlCommand("select acting_organisation from chipregistry.events where stream_key = $1 order by version", connection);
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = chipId });
        await using var reader = await command.ExecuteReaderAsync(Cancel);
        while (await reader.ReadAsync(Cancel))
        {
            recorders.Add(reader.GetString(0));
        }
        return recorders;
    }

    [Fact]
    public async Task a_shipment_to_a_licence_destination_without_a_licence_is_recorded_with_the_check_result_missing()
    {
        var p = await PartiesAsync();
        var chip = (await LotAsync(p))[0];

        var shipped = await Step(p.Manufacturer, chip, "shipments", new ShipmentRequest("AE", "op-gulf", "op-gulf", OccurredAt: Earlier));

        Assert.Equal("missing", shipped.GetProperty("licenceCheck").GetProperty("result").GetString());
        Assert.Null(shipped.GetProperty("licenceCheck").GetProperty("authorisationNumber").GetString());
    }

    [Fact]
    public async Task a_stale_if_match_is_412_a_malformed_one_400_and_neither_changes_the_chip()
    {
        var p = await PartiesAsync();
        var chip = (await LotAsync(p))[0];
        var before = await host.EventCountAsync();

        var stale = await host.SendAsync(HttpMethod.Post, $"/api/v1/chips/{chip}/sale-offer", p.Manufacturer, new SaleOfferRequest("dist-sg"), new Dictionary<string, string> { ["If-Match"] = "\"7\"" });
        var malformed = await host.SendAsync(HttpMethod.Post, $"/api/v1/chips/{chip}/sale-offer", p.Manufacturer, new SaleOfferRequest("dist-sg"), new Dictionary<string, string> { ["If-Match"] = "seven" });

        Assert.Equal((412, "version_mismatch"), await ProblemAsync(stale));
        Assert.Equal((400, "invalid_if_match"), await ProblemAsync(malformed));
        Assert.Equal(before, await host.EventCountAsync());
        var current = await host.SendAsync(HttpMethod.Post, $"/api/v1/chips/{chip}/sale-offer", p.Manufacturer, new SaleOfferRequest("dist-sg"), new Dictionary<string, string> { ["If-Match"] = "\"1\"" });
        Assert.Equal(HttpStatusCode.Created, current.StatusCode);
        Assert.Equal("\"2\"", current.Headers.ETag?.Tag);
    }

    [Fact]
    public async Task a_retried_post_under_the_same_idempotency_key_replays_the_first_answer_and_appends_once()
    {
        var p = await PartiesAsync();
        var chip = (await LotAsync(p))[0];
        var key = new Dictionary<string, string> { ["Idempotency-Key"] = Guid.NewGuid().ToString() };
        var before = await host.EventCountAsync();

        var first = await host.SendAsync(HttpMethod.Post, $"/api/v1/chips/{chip}/sale-offer", p.Manufacturer, new SaleOfferRequest("dist-sg"), key);
        var retry = await host.SendAsync(HttpMethod.Post, $"/api/v1/chips/{chip}/sale-offer", p.Manufacturer, new SaleOfferRequest("dist-sg"), key);

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (first.StatusCode, retry.StatusCode));
        Assert.Equal(await first.Content.ReadAsStringAsync(Cancel), await retry.Content.ReadAsStringAsync(Cancel));
        Assert.True(retry.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(before + 1, await host.EventCountAsync());
    }

    [Fact]
    public async Task a_stranger_gets_the_same_404_for_a_hidden_chip_as_for_an_unknown_serial()
    {
        var p = await PartiesAsync();
        var chip = (await LotAsync(p))[0];
        var before = await host.EventCountAsync();

        var hidden = await host.SendAsync(HttpMethod.Post, $"/api/v1/chips/{chip}/shipments", p.Stranger, new ShipmentRequest("DE", "dist-other", "dist-other"));
        var unknown = await host.SendAsync(HttpMethod.Post, $"/api/v1/chips/nvidia:{Guid.NewGuid():N}/shipments", p.Stranger, new ShipmentRequest("DE", "dist-other", "dist-other"));

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (hidden.StatusCode, unknown.StatusCode));
        Assert.Equal(await unknown.Content.ReadAsByteArrayAsync(Cancel), await hidden.Content.ReadAsByteArrayAsync(Cancel));
        Assert.Equal(Headers(unknown), Headers(hidden));
        Assert.Equal(before, await host.EventCountAsync());
    }

    private static string Headers(HttpResponseMessage response) =>
        string.Join("\n", response.Headers.Concat(response.Content.Headers).Where(h => h.Key != "Date").OrderBy(h => h.Key).Select(h => $"{h.Key}: {string.Join(",", h.Value)}"));

    [Fact]
    public async Task a_party_who_is_not_the_rightful_one_gets_409_and_nothing_is_appended_not_even_an_observation()
    {
        var p = await PartiesAsync();
        var chip = (await LotAsync(p))[0];
        await Step(p.Manufacturer, chip, "sale-offer", new SaleOfferRequest("dist-sg"));
        await Step(p.Distributor, chip, "sale-offer/acceptance", new SaleAcceptanceRequest());
        var before = await host.EventCountAsync();

        // dist-sg owns the chip, but nvidia still holds it: only the custodian ships.
        var ownerShips = await host.SendAsync(HttpMethod.Post, $"/api/v1/chips/{chip}/shipments", p.Distributor, new ShipmentRequest("DE", "dist-sg", "dist-sg"));
        await Step(p.Manufacturer, chip, "shipments", new ShipmentRequest("SG", "dist-sg", "dist-sg"));
        var afterShipment = await host.EventCountAsync();
        // nvidia shipped to dist-sg: a receipt by nvidia is not the named consignee's.
        var wrongReceiver = await host.SendAsync(HttpMethod.Post, $"/api/v1/chips/{chip}/receipts", p.Manufacturer, new ReceiptRequest("SG"));

        Assert.Equal((409, "not_custodian"), await ProblemAsync(ownerShips));
        Assert.Equal((409, "not_named_consignee"), await ProblemAsync(wrongReceiver));
        Assert.Equal(before + 1, afterShipment);
        Assert.Equal(afterShipment, await host.EventCountAsync());
    }

    [Fact]
    public async Task a_former_holder_still_sees_its_period_but_acting_on_the_chip_is_409_and_appends_nothing()
    {
        var p = await PartiesAsync();
        var chip = (await LotAsync(p))[0];
        await Step(p.Manufacturer, chip, "sale-offer", new SaleOfferRequest("dist-sg"));
        await Step(p.Distributor, chip, "sale-offer/acceptance", new SaleAcceptanceRequest());
        await Step(p.Manufacturer, chip, "shipments", new ShipmentRequest("SG", "dist-sg", "dist-sg"));
        await Step(p.Distributor, chip, "receipts", new ReceiptRequest("SG"));
        var before = await host.EventCountAsync();

        var formerShips = await host.SendAsync(HttpMethod.Post, $"/api/v1/chips/{chip}/shipments", p.Manufacturer, new ShipmentRequest("DE", "dist-sg", "dist-sg"));
        var formerOffers = await host.SendAsync(HttpMethod.Post, $"/api/v1/chips/{chip}/sale-offer", p.Manufacturer, new SaleOfferRequest("dist-other"));

        Assert.Equal((409, "not_custodian"), await ProblemAsync(formerShips));
        Assert.Equal((409, "not_owner"), await ProblemAsync(formerOffers));
        Assert.Equal(before, await host.EventCountAsync());
    }

    [Fact]
    public async Task an_observation_is_accepted_alike_for_an_unknown_a_hidden_and_a_visible_chip_and_each_is_appended()
    {
        var p = await PartiesAsync();
        var chip = (await LotAsync(p))[0];
        var unknown = $"nvidia:{Guid.NewGuid():N}";
        var before = await host.EventCountAsync();

        var answers = new List<HttpResponseMessage>();
        foreach (var (key, chipId) in new[] { (p.Stranger, unknown), (p.Stranger, chip), (p.Manufacturer, chip) })
        {
            answers.Add(await host.SendAsync(HttpMethod.Post, "/api/v1/observations", key, new ObservationRequest(chipId, "sighting", "seen at a trade fair", Country: "DE")));
        }

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Accepted, a.StatusCode));
        var shapes = await Task.WhenAll(answers.Select(async a => System.Text.RegularExpressions.Regex.Replace(await a.Content.ReadAsStringAsync(Cancel), "[0-9a-f-]{36}", "<id>")));
        Assert.Single(shapes.Distinct());
        Assert.Single(answers.Select(Headers).Select(h => System.Text.RegularExpressions.Regex.Replace(h, "Content-Length: \\d+", "")).Distinct());
        Assert.Equal(before + 3, await host.EventCountAsync());
        Assert.Equal(2, (await new ChipArranger(host).LoadAsync(chip)).State.Observations);
    }
}
