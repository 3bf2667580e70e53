using ChipRegistry.Domain.Attestations;
using ChipRegistry.Domain.Chips;
using static ChipRegistry.Domain.Tests.Chips.ChipWorld;

namespace ChipRegistry.Domain.Tests.Chips;

public class VoidTests
{
    private static (ChipHistory State, ChipSaleOffered Offer, ChipSaleAccepted Accepted) Sold()
    {
        var s = InStockHistory().Then(new OfferChipSale(Id(), ChipId, "buyer", Mfr, Next()));
        var offer = (ChipSaleOffered)s.Events[^1];
        s = s.Then(new AcceptChipSale(Id(), ChipId, Buyer, Next()));
        return (s, offer, (ChipSaleAccepted)s.Events[^1]);
    }

    [Fact]
    public void voiding_an_accepted_sale_restores_the_previous_owner()
    {
        var (sold, _, accepted) = Sold();
        Assert.Equal("buyer", sold.State.OwnerId);

        var voided = sold.Then(new VoidChipEvent(Id(), ChipId, accepted.EventId, "wrong buyer", Buyer, Next()));

        Assert.Equal("mfr", voided.State.OwnerId);
        Assert.NotNull(voided.State.Offer);
        Assert.Contains(accepted.EventId, voided.Voided);
    }

    [Fact]
    public void state_after_a_void_equals_a_fresh_fold_skipping_the_voided_events()
    {
        var (sold, offer, _) = Sold();
        var voided = sold.Then(new VoidChipEvent(Id(), ChipId, offer.EventId, "never offered", Bis, Next()));
        var fresh = ChipState.Fold(ChipId, voided.Events.Where(e => e is not ChipEventVoided && !voided.Voided.Contains(e.EventId)));

        Assert.Equal(fresh with { Version = voided.Events.Count }, voided.State);
    }

    [Fact]
    public void dependents_are_voided_first_newest_first()
    {
        var s = InstalledHistory();
        var shipped = s.Events.OfType<ChipShipped>().Single();
        s = s.Then(new AttestChipLocation(Id(), ChipId, "f1", "rtt", 3m, null, SignatureResult.Valid, Op, Next()));
        var expected = s.Events.SkipWhile(e => e.EventId != shipped.EventId).Reverse().Select(e => e.EventId).ToList();

        var d = ChipDecisions.Decide(new VoidChipEvent(Id(), ChipId, shipped.EventId, "shipment never happened", Bis, Next()), s);

        var voids = d.Events.Cast<ChipEventVoided>().ToList();
        Assert.Equal(expected, voids.Select(v => v.VoidedEventId));
        Assert.All(voids, v => Assert.Equal(shipped.EventId, v.RootEventId));
        Assert.Equal(voids.Count, voids.Select(v => v.EventId).Distinct().Count());

        var after = d.Events.Aggregate(s, (h, e) => h.Evolve(e));
        Assert.Equal((ChipStage.InStock, "mfr"), (after.State.Stage, after.State.CustodianId));
        Assert.Null(after.State.Installation);
    }

    [Fact]
    public void voiding_a_fact_does_not_cascade_into_later_transitions()
    {
        var s = InstalledHistory().Then(new AttestChipLocation(Id(), ChipId, "f1", "rtt", 3m, null, SignatureResult.Valid, Op, Next()));
        var attestation = s.Events[^1];
        s = s.Then(new RemoveChip(Id(), ChipId, "maintenance", Op, Next()));

        var d = ChipDecisions.Decide(new VoidChipEvent(Id(), ChipId, attestation.EventId, "misread", Op, Next()), s);

        Assert.Equal(attestation.EventId, Assert.IsType<ChipEventVoided>(Assert.Single(d.Events)).VoidedEventId);
        Assert.Equal(ChipStage.InStock, d.Events.Aggregate(s, (h, e) => h.Evolve(e)).State.Stage);
    }

    [Fact]
    public void only_the_recorder_or_an_agency_may_void()
    {
        var (sold, _, accepted) = Sold();
        var d = ChipDecisions.Decide(new VoidChipEvent(Id(), ChipId, accepted.EventId, "not mine", Mfr, Next()), sold);
        Assert.Equal("void_not_permitted", d.Error?.Code);
        Assert.Empty(d.Events);
        Assert.True(ChipDecisions.Decide(new VoidChipEvent(Id(), ChipId, accepted.EventId, "fraud", Bis, Next()), sold).IsAccepted);
    }

    [Fact]
    public void a_recorder_cannot_cascade_into_events_recorded_by_others_but_an_agency_can()
    {
        var (sold, offer, accepted) = Sold();
        Assert.Equal("void_dependents_by_others",
            ChipDecisions.Decide(new VoidChipEvent(Id(), ChipId, offer.EventId, "oops", Mfr, Next()), sold).Error?.Code);

        var d = ChipDecisions.Decide(new VoidChipEvent(Id(), ChipId, offer.EventId, "sham sale", Bis, Next()), sold);
        Assert.Equal([accepted.EventId, offer.EventId], d.Events.Cast<ChipEventVoided>().Select(v => v.VoidedEventId));
    }

    [Fact]
    public void a_void_needs_a_reason_a_live_target_and_is_not_voidable()
    {
        var (sold, _, accepted) = Sold();
        Assert.Equal("reason_required", ChipDecisions.Decide(new VoidChipEvent(Id(), ChipId, accepted.EventId, "", Buyer, Next()), sold).Error?.Code);
        Assert.Equal("event_not_found", ChipDecisions.Decide(new VoidChipEvent(Id(), ChipId, Guid.NewGuid(), "x", Bis, Next()), sold).Error?.Code);

        var voided = sold.Then(new VoidChipEvent(Id(), ChipId, accepted.EventId, "x", Buyer, Next()));
        Assert.Equal("event_already_voided", ChipDecisions.Decide(new VoidChipEvent(Id(), ChipId, accepted.EventId, "x", Bis, Next()), voided).Error?.Code);
        Assert.Equal("event_not_voidable", ChipDecisions.Decide(new VoidChipEvent(Id(), ChipId, voided.Events[^1].EventId, "x", Bis, Next()), voided).Error?.Code);
    }

    [Fact]
    public void voiding_a_hold_releases_it_and_voiding_a_hold_voids_its_release_first()
    {
        var held = InStockHistory().Then(new PlaceChipHold(Id(), ChipId, "x", Bis, Next()));
        var hold = held.Events[^1];
        Assert.Null(held.Then(new VoidChipEvent(Id(), ChipId, hold.EventId, "wrong chip", Bis, Next())).State.Hold);

        var released = held.Then(new ReleaseChipHold(Id(), ChipId, "cleared", Bis, Next()));
        var d = ChipDecisions.Decide(new VoidChipEvent(Id(), ChipId, hold.EventId, "wrong chip", Bis, Next()), released);
        Assert.Equal([released.Events[^1].EventId, hold.EventId], d.Events.Cast<ChipEventVoided>().Select(v => v.VoidedEventId));
    }
}
