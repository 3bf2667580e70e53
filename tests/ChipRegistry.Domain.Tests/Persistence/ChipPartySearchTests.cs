using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.Domain.Tests.Chips;

namespace ChipRegistry.Domain.Tests.Persistence;

public sealed class ChipPartySearchTests(RegistryStoreFixture fixture) : IClassFixture<RegistryStoreFixture>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task a_party_search_keeps_chips_the_organisation_is_a_party_to_now_and_pages_to_the_last_match_exactly()
    {
        var registry = await fixture.StartAsync();
        var chips = Enumerable.Range(1, 6).Select(i => $"nvidia:party-{i:D3}").ToArray();
        (await registry.Commands.RegisterLotAsync(
            new RegisterChipLot(ChipWorld.Id(), "lot-party", CatalogSeed.H100Sxm.ModelId, "TW", ChipWorld.Mfr, ChipWorld.Next()), chips, cancellationToken: Cancel)).EnsureAccepted();
        foreach (var chipId in new[] { chips[0], chips[2], chips[4] })
        {
            (await registry.Commands.HandleAsync(new OfferChipSale(ChipWorld.Id(), chipId, "buyer", ChipWorld.Mfr, ChipWorld.Next()), cancellationToken: Cancel)).EnsureAccepted();
        }
        // Its history still names the buyer, but the voided offer makes it no party.
        var withdrawn = (await registry.Reads.ReadChipHistoryAsync(chips[4], cancellationToken: Cancel))[^1].EventId;
        (await registry.Commands.HandleAsync(new VoidChipEvent(ChipWorld.Id(), chips[4], withdrawn, "wrong buyer", ChipWorld.Mfr, ChipWorld.Next()), cancellationToken: Cancel)).EnsureAccepted();

        var first = await registry.Reads.SearchChipPageAsync(new ChipSearch { PartyId = "buyer", Limit = 1 }, Cancel);
        var second = await registry.Reads.SearchChipPageAsync(new ChipSearch { PartyId = "buyer", Limit = 1, AfterChipId = first.NextAfterChipId }, Cancel);
        var all = await registry.Reads.SearchChipPageAsync(new ChipSearch { PartyId = "buyer" }, Cancel);
        var manufacturer = await registry.Reads.SearchChipPageAsync(new ChipSearch { PartyId = "mfr", Limit = 5 }, Cancel);

        Assert.Equal([chips[0]], first.Rows.Select(r => r.ChipId));
        Assert.Equal(chips[0], first.NextAfterChipId);
        Assert.Equal([chips[2]], second.Rows.Select(r => r.ChipId));
        Assert.Null(second.NextAfterChipId);
        Assert.Equal([chips[0], chips[2]], all.Rows.Select(r => r.ChipId));
        Assert.Null(all.NextAfterChipId);
        Assert.Equal(chips.Take(5), manufacturer.Rows.Select(r => r.ChipId));
        Assert.Equal(chips[4], manufacturer.NextAfterChipId);
        Assert.Empty((await registry.Reads.SearchChipPageAsync(new ChipSearch { PartyId = "stranger" }, Cancel)).Rows);
    }
}
