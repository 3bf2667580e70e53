using System.Net;
using System.Text.Json;
using ChipRegistry.Api.Tests.Chips.Reads;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.Domain.Projections.Placements;
using Microsoft.Extensions.DependencyInjection;

namespace ChipRegistry.Api.Tests.Chips.Placements;

/// <summary>GET /api/v1/chips/{id}/placements: the daemon's stays for agencies and parties, the holding's for a former holder.</summary>
public sealed class ChipPlacementEndpointTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static string[] Statuses(JsonDocument placements) =>
        [.. placements.RootElement.GetProperty("placements").EnumerateArray().Select(p => p.GetProperty("status").GetString()!)];

    private static string[] Custodians(JsonDocument placements) =>
        [.. placements.RootElement.GetProperty("placements").EnumerateArray().Select(p => p.GetProperty("custodianId").GetString()!)];

    [Fact]
    public async Task agencies_read_the_projected_stays_a_former_holder_those_of_its_holding_and_a_stranger_an_unknown_serial()
    {
        var run = Guid.NewGuid().ToString("N")[..10];
        var makerKey = await host.OrganisationKeyAsync($"pl-maker-{run}", OrganisationKind.Manufacturer, "TW");
        var buyerKey = await host.OrganisationKeyAsync($"pl-buyer-{run}", OrganisationKind.Distributor, "US");
        var strangerKey = await host.OrganisationKeyAsync($"pl-stranger-{run}", OrganisationKind.Distributor, "US");
        var maker = new Actor(makerKey.OrganisationId, OrganisationKind.Manufacturer);
        var buyer = new Actor(buyerKey.OrganisationId, OrganisationKind.Distributor);
        var chipId = await ChipArrange.RegisterOneAsync(host, maker.OrganisationId);
        await ChipArrange.SellAsync(host, chipId, maker, buyer);
        await ChipArrange.HandOverAsync(host, chipId, maker, buyer);
        var stream = await host.Services.GetRequiredService<RegistryReads>().ReadChipHistoryAsync(chipId, cancellationToken: Cancel);
        var expected = await host.Services.GetRequiredService<PlacementReads>().FoldUpToAsync(chipId, long.MaxValue, Cancel);

        // The daemon in the API host applies the chip's events shortly after they commit.
        JsonDocument agency;
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            agency = await host.GetJsonAsync(ApiFixture.AdminKey, $"/api/v1/chips/{chipId}/placements");
            if (agency.RootElement.GetProperty("projectedThroughSeqId").GetInt64() >= stream[^1].SeqId) break;
            Assert.True(DateTime.UtcNow < deadline, "the placement projection did not reach the chip's last event");
            agency.Dispose();
            await Task.Delay(100, Cancel);
        }
        using (agency)
        {
            Assert.Equal("current", agency.RootElement.GetProperty("view").GetString());
            Assert.Equal(expected.Select(p => ChipStateProjection.StageName(p.Status)), Statuses(agency));
            // Made, sold (a new owner, same place), shipped, received.
            Assert.Equal(["in_stock", "in_stock", "in_transit", "in_stock"], Statuses(agency));
            var last = agency.RootElement.GetProperty("placements").EnumerateArray().Last();
            Assert.Equal((buyer.OrganisationId, buyer.OrganisationId, "US", JsonValueKind.Null),
                (last.GetProperty("ownerId").GetString(), last.GetProperty("custodianId").GetString(), last.GetProperty("country").GetString(), last.GetProperty("to").ValueKind));
        }

        using var current = await host.GetJsonAsync(buyerKey.Token, $"/api/v1/chips/{chipId}/placements");
        Assert.Equal("current", current.RootElement.GetProperty("view").GetString());

        // The maker's holding ended with the buyer's receipt; what it sees stops there (and here is the whole life so far).
        using var former = await host.GetJsonAsync(makerKey.Token, $"/api/v1/chips/{chipId}/placements");
        Assert.Equal("as_of_your_holding", former.RootElement.GetProperty("view").GetString());
        Assert.Equal(JsonValueKind.Null, former.RootElement.GetProperty("projectedThroughSeqId").ValueKind);
        Assert.Equal(expected.Select(p => p.CustodianId!), Custodians(former));

        var hidden = await host.SendAsync(HttpMethod.Get, $"/api/v1/chips/{chipId}/placements", strangerKey.Token);
        var unknown = await host.SendAsync(HttpMethod.Get, $"/api/v1/chips/{ChipArrange.NewSerial()}/placements", strangerKey.Token);
        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (hidden.StatusCode, unknown.StatusCode));
        Assert.Equal(await unknown.Content.ReadAsStringAsync(Cancel), await hidden.Content.ReadAsStringAsync(Cancel));
    }
}
