using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Organisations;
using static ChipRegistry.Domain.Tests.Chips.ChipWorld;

namespace ChipRegistry.Domain.Tests.Chips;

public class ChipVisibilityTests
{
    private static readonly Actor Reseller = new("reseller", OrganisationKind.Distributor);

    /// <summary>mfr makes the chip and keeps custody; buyer buys it, sells it on to reseller, who offers it to a stranger.</summary>
    private static (ChipHistory State, IChipEvent SaleToBuyer, IChipEvent SaleOn) SoldOnTwice()
    {
        var s = InStockHistory()
            .Then(new OfferChipSale(Id(), ChipId, "buyer", Mfr, Next()))
            .Then(new AcceptChipSale(Id(), ChipId, Buyer, Next()));
        var saleToBuyer = s.Events[^1];
        s = s.Then(new OfferChipSale(Id(), ChipId, "reseller", Buyer, Next()))
            .Then(new AcceptChipSale(Id(), ChipId, Reseller, Next()));
        var saleOn = s.Events[^1];
        s = s.Then(new OfferChipSale(Id(), ChipId, "stranger", Reseller, Next()));
        return (s, saleToBuyer, saleOn);
    }

    [Fact]
    public void a_former_owner_sees_up_to_and_including_the_sale_that_ended_its_holding_and_nothing_after()
    {
        var (state, _, saleOn) = SoldOnTwice();

        var view = ChipVisibility.For(ChipId, state.Events, Buyer);

        Assert.True(view.IsVisible);
        Assert.False(view.IsParty);
        Assert.Equal(saleOn, view.Events[^1]);
        Assert.Equal(4, view.Events.Count); // the offer naming it, its purchase, its offer on, the sale on
        Assert.DoesNotContain(view.Events, e => e is ChipFabricated);
        Assert.DoesNotContain(view.Events, e => e is ChipSaleOffered { BuyerId: "stranger" });
        Assert.Equal("reseller", view.State.OwnerId);
        Assert.Null(view.State.Offer);
        Assert.Equal(ChipState.Fold(ChipId, state.Events.TakeWhile(e => e != saleOn).Append(saleOn)), view.State);
        Assert.Equal(5, view.State.Version);
    }

    [Fact]
    public void a_party_sees_the_event_that_made_it_a_party_and_the_state_now()
    {
        var (state, _, _) = SoldOnTwice();

        var view = ChipVisibility.For(ChipId, state.Events, new Actor("stranger", OrganisationKind.Distributor));

        var offer = Assert.IsType<ChipSaleOffered>(Assert.Single(view.Events));
        Assert.Equal("stranger", offer.BuyerId);
        Assert.True(view.IsParty);
        Assert.Equal(state.State, view.State);
        Assert.Equal(state.State.Version, view.State.Version);
    }

    [Fact]
    public void the_custodian_throughout_sees_every_event()
    {
        var (state, _, _) = SoldOnTwice();

        var view = ChipVisibility.For(ChipId, state.Events, Mfr);

        Assert.Equal(state.Events, view.Events);
        Assert.True(view.IsParty);
    }

    [Fact]
    public void an_organisation_never_a_party_sees_nothing()
    {
        var (state, _, _) = SoldOnTwice();

        var view = ChipVisibility.For(ChipId, state.Events, new Actor("elsewhere", OrganisationKind.Operator));

        Assert.False(view.IsVisible);
        Assert.Empty(view.Events);
        Assert.False(view.IsParty);
    }

    [Theory]
    [InlineData(OrganisationKind.Agency)]
    [InlineData(OrganisationKind.Registry)]
    public void agencies_and_the_registry_see_everything(OrganisationKind kind)
    {
        var (state, _, _) = SoldOnTwice();

        var view = ChipVisibility.For(ChipId, state.Events, new Actor("reader", kind));

        Assert.Equal(state.Events, view.Events);
        Assert.True(view.IsParty);
        Assert.Equal(state.State, view.State);
    }

    [Fact]
    public void a_buyer_whose_offer_is_voided_sees_the_offer_and_its_void_and_nothing_after()
    {
        var offered = InStockHistory().Then(new OfferChipSale(Id(), ChipId, "buyer", Mfr, Next()));
        var offer = offered.Events[^1];
        var voided = offered.Then(new VoidChipEvent(Id(), ChipId, offer.EventId, "wrong buyer", Mfr, Next()));
        var later = voided.Then(new OfferChipSale(Id(), ChipId, "reseller", Mfr, Next()));

        var view = ChipVisibility.For(ChipId, later.Events, Buyer);

        Assert.Equal(2, view.Events.Count);
        Assert.Equal(offer, view.Events[0]);
        Assert.Equal(offer.EventId, Assert.IsType<ChipEventVoided>(view.Events[1]).VoidedEventId);
        Assert.False(view.IsParty);
        Assert.Null(view.State.Offer);
        Assert.Equal(ChipState.Fold(ChipId, later.Events.Take(3)), view.State);
    }

    [Fact]
    public void a_voided_sale_gives_the_holding_back_and_the_seller_sees_again()
    {
        var (state, _, saleOn) = SoldOnTwice();
        // The stranger's open offer depends on the sale on, so voiding the sale voids the offer first (a cascade).
        var restored = state.Then(new VoidChipEvent(Id(), ChipId, saleOn.EventId, "payment failed", Bis, Next()));

        var view = ChipVisibility.For(ChipId, restored.Events, Buyer);

        Assert.True(view.IsParty);
        Assert.Equal(("buyer", "reseller"), (view.State.OwnerId, view.State.Offer?.BuyerId));
        Assert.Equal(restored.Events[^1], view.Events[^1]);
        Assert.Contains(view.Events, e => e is ChipEventVoided v && v.VoidedEventId == saleOn.EventId);
        // The stranger's offer and its cascade void both fall inside the period the buyer did not hold the chip.
        Assert.DoesNotContain(view.Events, e => e is ChipSaleOffered { BuyerId: "stranger" });
    }
}
