using System.Net;
using System.Text.Json;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.Domain.Organisations;

namespace ChipRegistry.Api.Tests.Chips.Reads;

public sealed class ChipSearchTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    private static string[] ChipIds(JsonDocument page) =>
        page.RootElement.GetProperty("chips").EnumerateArray().Select(c => c.GetProperty("chipId").GetString()!).ToArray();

    [Fact]
    public async Task organisations_find_only_chips_they_are_a_party_to_now_and_agencies_find_all()
    {
        var run = Guid.NewGuid().ToString("N")[..10];
        var makerKey = await host.OrganisationKeyAsync($"cs-maker-{run}", OrganisationKind.Manufacturer, "TW");
        var distributorKey = await host.OrganisationKeyAsync($"cs-dist-{run}", OrganisationKind.Distributor);
        var strangerKey = await host.OrganisationKeyAsync($"cs-stranger-{run}", OrganisationKind.Distributor);
        var agencyKey = await host.OrganisationKeyAsync($"cs-agency-{run}", OrganisationKind.Agency);
        var maker = new Actor(makerKey.OrganisationId, OrganisationKind.Manufacturer);
        var distributor = new Actor(distributorKey.OrganisationId, OrganisationKind.Distributor);
        var chips = await ChipArrange.RegisterAsync(host, maker.OrganisationId, 3);
        await ChipArrange.SellAsync(host, chips[0], maker, distributor);
        await ChipArrange.OfferAsync(host, chips[1], maker, distributor.OrganisationId);

        using (var mine = await host.GetJsonAsync(distributorKey.Token, "/api/v1/chips?model=nvidia-h100-sxm"))
        {
            Assert.Equal([chips[0], chips[1]], ChipIds(mine));
        }
        using (var owned = await host.GetJsonAsync(distributorKey.Token, $"/api/v1/chips?owner={distributor.OrganisationId}"))
        {
            Assert.Equal([chips[0]], ChipIds(owned));
        }
        using (var others = await host.GetJsonAsync(distributorKey.Token, $"/api/v1/chips?owner={maker.OrganisationId}"))
        {
            Assert.Equal([chips[1]], ChipIds(others)); // offered to it, so a party; the third chip stays hidden
        }
        using (var nothing = await host.GetJsonAsync(strangerKey.Token, $"/api/v1/chips?custodian={maker.OrganisationId}"))
        {
            Assert.Empty(ChipIds(nothing));
        }
        using (var makers = await host.GetJsonAsync(makerKey.Token, "/api/v1/chips?status=in_stock&country=TW"))
        {
            Assert.Equal(chips, ChipIds(makers));
        }
        using (var agency = await host.GetJsonAsync(agencyKey.Token, $"/api/v1/chips?owner={maker.OrganisationId}"))
        {
            Assert.Equal([chips[1], chips[2]], ChipIds(agency));
            var first = agency.RootElement.GetProperty("chips")[0];
            Assert.Equal(("in_stock", "nvidia-h100-sxm", maker.OrganisationId), (first.GetProperty("stage").GetString(), first.GetProperty("modelId").GetString(), first.GetProperty("custodianId").GetString()));
        }
        using (var none = await host.GetJsonAsync(agencyKey.Token, $"/api/v1/chips?custodian={maker.OrganisationId}&status=installed"))
        {
            Assert.Empty(ChipIds(none));
        }
    }

    [Fact]
    public async Task a_consignee_finds_a_chip_while_it_is_on_its_way_and_a_former_holder_no_longer_finds_it()
    {
        var run = Guid.NewGuid().ToString("N")[..10];
        var maker = new Actor($"cs-ship-maker-{run}", OrganisationKind.Manufacturer);
        var firstKey = await host.OrganisationKeyAsync($"cs-first-{run}", OrganisationKind.Distributor);
        var secondKey = await host.OrganisationKeyAsync($"cs-second-{run}", OrganisationKind.Distributor);
        var first = new Actor(firstKey.OrganisationId, OrganisationKind.Distributor);
        var second = new Actor(secondKey.OrganisationId, OrganisationKind.Distributor);
        var chipId = await ChipArrange.RegisterOneAsync(host, maker.OrganisationId);
        await ChipArrange.SellAsync(host, chipId, maker, first);
        await ChipArrange.HandOverAsync(host, chipId, maker, first);
        await ChipArrange.SellAsync(host, chipId, first, second);
        var party = new ChipRegistry.Domain.Organisations.PartyJurisdiction(second.OrganisationId, "US", second.OrganisationId, "US");
        var to = second.OrganisationId;
        ChipArrange.Accepted(await host.Commands.HandleAsync(new ChipRegistry.Domain.Chips.ShipChip(Guid.NewGuid(), chipId, "US", to, to, to, to, to, null,
            new ChipRegistry.Domain.Chips.ShipmentContext(ChipRegistry.Domain.Catalog.CatalogSeed.H100Sxm, party, party, null, null, 0), first, ChipArrange.Now), cancellationToken: TestContext.Current.CancellationToken));

        using (var onItsWay = await host.GetJsonAsync(secondKey.Token, $"/api/v1/chips?custodian={first.OrganisationId}&status=in_transit"))
        {
            Assert.Equal([chipId], ChipIds(onItsWay));
        }
        using (var shipper = await host.GetJsonAsync(firstKey.Token, "/api/v1/chips?status=in_transit"))
        {
            Assert.Equal([chipId], ChipIds(shipper)); // still its custodian until the receipt
        }

        ChipArrange.Accepted(await host.Commands.HandleAsync(new ChipRegistry.Domain.Chips.ReceiveChip(Guid.NewGuid(), chipId, "US", second, ChipArrange.Now), cancellationToken: TestContext.Current.CancellationToken));

        using (var former = await host.GetJsonAsync(firstKey.Token, "/api/v1/chips"))
        {
            Assert.DoesNotContain(chipId, ChipIds(former));
        }
        using (var holder = await host.GetJsonAsync(secondKey.Token, "/api/v1/chips?status=in_stock"))
        {
            Assert.Equal([chipId], ChipIds(holder));
        }
    }

    [Theory]
    [InlineData(OrganisationKind.Agency)]
    [InlineData(OrganisationKind.Distributor)]
    public async Task pages_follow_the_cursor_to_every_match_once(OrganisationKind kind)
    {
        var run = Guid.NewGuid().ToString("N")[..10];
        var maker = new Actor($"cs-pager-{run}", OrganisationKind.Manufacturer);
        var readerKey = await host.OrganisationKeyAsync($"cs-reader-{run}", kind);
        var chips = await ChipArrange.RegisterAsync(host, maker.OrganisationId, 5);
        foreach (var chipId in chips)
        {
            await ChipArrange.OfferAsync(host, chipId, maker, readerKey.OrganisationId);
        }
        // Chips of the same maker the reader is not a party to sit between its own in id order.
        await ChipArrange.RegisterAsync(host, maker.OrganisationId, 4);

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            using var page = await host.GetJsonAsync(readerKey.Token, $"/api/v1/chips?owner={maker.OrganisationId}&limit=2{(cursor is null ? "" : $"&cursor={cursor}")}");
            var ids = ChipIds(page);
            Assert.InRange(ids.Length, 1, 2);
            seen.AddRange(ids);
            cursor = page.RootElement.GetProperty("next").GetString();
            pages++;
        }
        while (cursor is not null);

        if (kind == OrganisationKind.Agency)
        {
            Assert.Equal(9, seen.Count);
            Assert.Equal(5, pages);
        }
        else
        {
            Assert.Equal(chips, seen);
            Assert.Equal(3, pages);
        }
        Assert.Equal(seen.Order(StringComparer.Ordinal), seen);
    }

    [Theory]
    [InlineData("status=lost", "invalid_status")]
    [InlineData("status=unregistered", "invalid_status")]
    [InlineData("country=usa", "invalid_country")]
    [InlineData("country=us", "invalid_country")]
    [InlineData("limit=0", "invalid_limit")]
    [InlineData("limit=201", "invalid_limit")]
    [InlineData("cursor=%21%21%21", "invalid_cursor")]
    [InlineData("owner=", "invalid_filter")]
    public async Task bad_filters_are_400_with_a_code(string query, string code)
    {
        var key = await host.OrganisationKeyAsync("cs-bad-filters", OrganisationKind.Agency);

        var response = await host.SendAsync(HttpMethod.Get, $"/api/v1/chips?{query}", key.Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(code, await ApiFixture.ProblemCodeAsync(response));
    }
}
