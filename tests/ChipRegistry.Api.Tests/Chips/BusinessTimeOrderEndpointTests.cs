using System.Net;
using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Organisations;
using static ChipRegistry.Api.Tests.Chips.ChipApi;

namespace ChipRegistry.Api.Tests.Chips;

/// <summary>Business time cannot be moved before the chip's own history; reports by others keep theirs, marked.</summary>
public sealed class BusinessTimeOrderEndpointTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    private sealed record Keys(string Manufacturer, string Agency, string Stranger);

    /// <summary>nvidia (TW) makes H100s; cn-buyer is a Chinese firm; bis is an agency; dist-other reports sightings.</summary>
    private async Task<Keys> PartiesAsync()
    {
        var manufacturer = (await host.OrganisationKeyAsync("nvidia", OrganisationKind.Manufacturer, "TW")).Token;
        var agency = (await host.OrganisationKeyAsync("bis", OrganisationKind.Agency, "US")).Token;
        var stranger = (await host.OrganisationKeyAsync("dist-other", OrganisationKind.Distributor, "US")).Token;
        await host.RegisterOrganisationAsync("cn-buyer", OrganisationKind.Distributor, "CN");
        return new Keys(manufacturer, agency, stranger);
    }

    /// <summary>One chip of a lot fabricated on 2025-06-01.</summary>
    private async Task<string> FabricatedOn20250601Async(Keys keys)
    {
        var chipId = $"nvidia:{Guid.NewGuid():N}";
        var lot = $$"""{"lotId":"{{ChipArranger.FreshId("tw")}}","modelId":"{{CatalogSeed.H100Sxm.ModelId}}","country":"TW","fabricatedAt":"2025-06-01T00:00:00Z","serials":["{{chipId}}"]}""";
        var response = await host.PostRawAsync("/api/v1/lots", keys.Manufacturer, lot);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Cancel));
        return chipId;
    }

    private static string ShipmentToChina(string? occurredAt) =>
        $$"""{"destinationCountry":"CN","consigneeId":"cn-buyer","endUserId":"cn-buyer"{{(occurredAt is null ? "" : $",\"occurredAt\":\"{occurredAt}\"")}}}""";

    /// <summary>
    /// The reproduction: a shipment of a chip fabricated on 2025-06-01, dated 2022-09-01 (before the chip existed, and before
    /// the rules that would require a licence for it), answered 201 none_needed / before_advanced_computing_rules.
    /// </summary>
    [Fact]
    public async Task a_shipment_dated_before_the_chips_fabrication_is_refused_and_appends_nothing()
    {
        var keys = await PartiesAsync();
        var chipId = await FabricatedOn20250601Async(keys);
        var events = await host.EventCountAsync();

        var backdated = await host.PostRawAsync($"/api/v1/chips/{chipId}/shipments", keys.Manufacturer, ShipmentToChina("2022-09-01T00:00:00Z"));
        var problem = await backdated.JsonAsync();

        Assert.True(backdated.StatusCode == HttpStatusCode.UnprocessableEntity, $"{(int)backdated.StatusCode} {problem}");
        Assert.Equal("occurred_out_of_order", problem.GetProperty("code").GetString());
        Assert.Contains("2025-06-01T00:00:00Z", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("nvidia", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(events, await host.EventCountAsync());

        var now = await host.PostRawAsync($"/api/v1/chips/{chipId}/shipments", keys.Manufacturer, ShipmentToChina(null));
        var recorded = await now.JsonAsync();
        Assert.True(now.StatusCode == HttpStatusCode.Created, recorded.ToString());
        Assert.Equal("missing", recorded.GetProperty("licenceCheck").GetProperty("result").GetString());
    }

    [Fact]
    public async Task a_receipt_before_its_shipment_is_refused()
    {
        var keys = await PartiesAsync();
        var chipId = await FabricatedOn20250601Async(keys);
        var shipped = await host.PostRawAsync($"/api/v1/chips/{chipId}/shipments", keys.Manufacturer, ShipmentToChina("2025-07-01T00:00:00Z"));
        Assert.Equal(HttpStatusCode.Created, shipped.StatusCode);
        var buyer = (await host.IssueKeyAsync("cn-buyer", ChipRegistry.Api.Callers.Callers.RoleOf(OrganisationKind.Distributor))).Token;
        var events = await host.EventCountAsync();

        var early = await host.PostRawAsync($"/api/v1/chips/{chipId}/receipts", buyer, """{"country":"CN","occurredAt":"2025-06-30T23:59:59Z"}""");
        Assert.Equal((422, "occurred_out_of_order"), await ProblemAsync(early));
        Assert.Equal(events, await host.EventCountAsync());

        var received = await host.PostRawAsync($"/api/v1/chips/{chipId}/receipts", buyer, """{"country":"HK","occurredAt":"2025-07-03T00:00:00Z"}""");
        Assert.Equal(HttpStatusCode.Created, received.StatusCode);
        var history = await host.GetJsonAsync(keys.Agency, $"/api/v1/chips/{chipId}/history");
        var receipt = history.RootElement.GetProperty("entries").EnumerateArray().Single(e => e.GetProperty("type").GetString() == "chip_received");
        Assert.True(receipt.GetProperty("data").GetProperty("otherCountry").GetBoolean());
    }

    /// <summary>A third party's report keeps the time it states, is marked out of order, and shows how late it was recorded.</summary>
    [Fact]
    public async Task an_observation_dated_before_the_latest_act_is_kept_at_its_time_and_marked()
    {
        var keys = await PartiesAsync();
        var chipId = await FabricatedOn20250601Async(keys);
        var events = await host.EventCountAsync();

        var observed = await host.PostRawAsync("/api/v1/observations", keys.Stranger,
            $$"""{"chipId":"{{chipId}}","kind":"sighting","details":"seen in a warehouse","country":"HK","occurredAt":"2025-05-01T00:00:00Z"}""");
        Assert.Equal(HttpStatusCode.Accepted, observed.StatusCode);
        Assert.Equal(events + 1, await host.EventCountAsync());

        var history = await host.GetJsonAsync(keys.Agency, $"/api/v1/chips/{chipId}/history");
        var entry = history.RootElement.GetProperty("entries").EnumerateArray().Single(e => e.GetProperty("type").GetString() == "chip_observed");
        Assert.Equal("2025-05-01T00:00:00Z", entry.GetProperty("occurredAt").GetString());
        Assert.True(entry.GetProperty("data").GetProperty("outOfOrder").GetBoolean());
        Assert.True(entry.GetProperty("observation").GetBoolean());
        Assert.True(DateTimeOffset.Parse(entry.GetProperty("recordedAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture).Year >= 2026);
    }

    /// <summary>
    /// After its fabrication is voided, a serial is not registered (verification) and is not registered again (a new lot):
    /// both say the registration was voided.
    /// </summary>
    [Fact]
    public async Task verification_and_a_new_lot_agree_on_a_serial_whose_fabrication_was_voided()
    {
        var keys = await PartiesAsync();
        var chipId = await FabricatedOn20250601Async(keys);
        var history = await host.GetJsonAsync(keys.Agency, $"/api/v1/chips/{chipId}/history");
        var fabrication = history.RootElement.GetProperty("entries")[0].GetProperty("eventId").GetString();
        var voided = await host.PostRawAsync($"/api/v1/chips/{chipId}/voids", keys.Manufacturer, $$"""{"eventId":"{{fabrication}}","reason":"serial entered in error"}""");
        Assert.True(voided.StatusCode == HttpStatusCode.Created, await voided.Content.ReadAsStringAsync(Cancel));

        var verification = await host.PostRawAsync("/api/v1/verifications", keys.Stranger, $$"""{"serial":"{{chipId}}","organisationId":"nvidia"}""");
        var answer = await verification.JsonAsync();
        Assert.True(verification.StatusCode == HttpStatusCode.OK, answer.ToString());
        Assert.False(answer.GetProperty("registered").GetBoolean());
        Assert.True(answer.GetProperty("registrationVoided").GetBoolean());

        var lot = $$"""{"lotId":"{{ChipArranger.FreshId("tw")}}","modelId":"{{CatalogSeed.H100Sxm.ModelId}}","country":"TW","fabricatedAt":"2025-07-01T00:00:00Z","serials":["{{chipId}}"]}""";
        var again = await host.PostRawAsync("/api/v1/lots", keys.Manufacturer, lot);
        Assert.Equal((409, "chip_already_registered"), await ProblemAsync(again));
    }
}
