using System.Net;
using System.Text.Json;
using ChipRegistry.Api.Tests.Chips.Reads;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace ChipRegistry.Api.Tests.Chips.Custody;

/// <summary>GET /api/v1/chips/{id}/custody: the stays collapsed to owner and custodian, with the event behind each step; linked from the history.</summary>
public sealed class ChipCustodyEndpointTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static (string? Owner, string? Custodian, string Type)[] Steps(JsonDocument custody) =>
        [.. custody.RootElement.GetProperty("custody").EnumerateArray()
            .Select(s => (s.GetProperty("ownerId").GetString(), s.GetProperty("custodianId").GetString(), s.GetProperty("event").GetProperty("type").GetString()!))];

    [Fact]
    public async Task the_chain_collapses_stays_of_the_same_owner_and_custodian_names_each_steps_event_and_hides_the_chip_from_strangers()
    {
        var run = Guid.NewGuid().ToString("N")[..10];
        var makerKey = await host.OrganisationKeyAsync($"cu-maker-{run}", OrganisationKind.Manufacturer, "TW");
        var buyerKey = await host.OrganisationKeyAsync($"cu-buyer-{run}", OrganisationKind.Distributor, "US");
        var strangerKey = await host.OrganisationKeyAsync($"cu-stranger-{run}", OrganisationKind.Distributor, "US");
        var maker = new Actor(makerKey.OrganisationId, OrganisationKind.Manufacturer);
        var buyer = new Actor(buyerKey.OrganisationId, OrganisationKind.Distributor);
        var chipId = await ChipArrange.RegisterOneAsync(host, maker.OrganisationId);
        await ChipArrange.SellAsync(host, chipId, maker, buyer);
        await ChipArrange.HandOverAsync(host, chipId, maker, buyer);
        var stream = await host.Services.GetRequiredService<RegistryReads>().ReadChipHistoryAsync(chipId, cancellationToken: Cancel);

        JsonDocument agency;
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            agency = await host.GetJsonAsync(ApiFixture.AdminKey, $"/api/v1/chips/{chipId}/custody");
            if (agency.RootElement.GetProperty("projectedThroughSeqId").GetInt64() >= stream[^1].SeqId) break;
            Assert.True(DateTime.UtcNow < deadline, "the placement projection did not reach the chip's last event");
            agency.Dispose();
            await Task.Delay(100, Cancel);
        }
        using (agency)
        {
            Assert.Equal("current", agency.RootElement.GetProperty("view").GetString());
            // Four stays (made, sold, shipped, received); the shipment changes neither owner nor custodian, so three steps.
            Assert.Equal(
                [(maker.OrganisationId, maker.OrganisationId, "chip_fabricated"), (buyer.OrganisationId, maker.OrganisationId, "chip_sale_accepted"),
                 (buyer.OrganisationId, buyer.OrganisationId, "chip_received")],
                Steps(agency));
            var steps = agency.RootElement.GetProperty("custody").EnumerateArray().ToList();
            var received = stream.Single(e => e.TypeName == "chip_received");
            Assert.Equal(received.SeqId, steps[2].GetProperty("event").GetProperty("seqId").GetInt64());
            Assert.Equal(steps[1].GetProperty("to").GetString(), steps[2].GetProperty("from").GetString());
            Assert.Equal(steps[2].GetProperty("from").GetString(), steps[2].GetProperty("event").GetProperty("occurredAt").GetString());
            Assert.Equal(JsonValueKind.Null, steps[2].GetProperty("to").ValueKind);
        }

        using var former = await host.GetJsonAsync(makerKey.Token, $"/api/v1/chips/{chipId}/custody");
        Assert.Equal("as_of_your_holding", former.RootElement.GetProperty("view").GetString());
        Assert.Equal(3, Steps(former).Length);

        using var history = await host.GetJsonAsync(buyerKey.Token, $"/api/v1/chips/{chipId}/history");
        var links = history.RootElement.GetProperty("links");
        Assert.Equal(($"/api/v1/chips/{chipId}/placements", $"/api/v1/chips/{chipId}/custody"),
            (links.GetProperty("placements").GetString(), links.GetProperty("custody").GetString()));
        using var linked = await host.GetJsonAsync(buyerKey.Token, links.GetProperty("custody").GetString()!);
        Assert.Equal(3, Steps(linked).Length);

        var hidden = await host.SendAsync(HttpMethod.Get, $"/api/v1/chips/{chipId}/custody", strangerKey.Token);
        var unknown = await host.SendAsync(HttpMethod.Get, $"/api/v1/chips/{ChipArrange.NewSerial()}/custody", strangerKey.Token);
        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (hidden.StatusCode, unknown.StatusCode));
        Assert.Equal(await unknown.Content.ReadAsStringAsync(Cancel), await hidden.Content.ReadAsStringAsync(Cancel));
    }
}
