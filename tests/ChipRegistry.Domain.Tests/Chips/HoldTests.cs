using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using static ChipRegistry.Domain.Tests.Chips.ChipWorld;

namespace ChipRegistry.Domain.Tests.Chips;

public class HoldTests
{
    [Fact]
    public void a_hold_makes_custodian_commands_fail_with_chip_on_hold_until_released()
    {
        var held = InStock().Then(new PlaceChipHold(Id(), ChipId, "diversion suspected", Bis, Next()));

        foreach (var command in new IChipCommand[]
        {
            Ship(held, Mfr),
            new OfferChipSale(Id(), ChipId, "buyer", Mfr, Next()),
            new InstallChip(Id(), ChipId, FacilityOf("mfr"), "c1", "r1", Mfr, Next()),
            new DestroyChip(Id(), ChipId, "shredded", Mfr, Next()),
        })
        {
            var d = ChipDecisions.Decide(command, held);
            Assert.Equal("chip_on_hold", d.Error?.Code);
            Assert.Empty(d.Events);
        }

        var released = held.Then(new ReleaseChipHold(Id(), ChipId, "cleared", Bis, Next()));
        Assert.Null(released.Hold);
        Assert.True(ChipDecisions.Decide(Ship(released, Mfr), released).IsAccepted);
    }

    [Fact]
    public void a_held_chips_reports_from_strangers_are_still_observed()
    {
        var held = InStock().Then(new PlaceChipHold(Id(), ChipId, "x", Bis, Next()));
        var d = ChipDecisions.Decide(new InstallChip(Id(), ChipId, FacilityOf("stranger"), "c1", "r1", Stranger, Next()), held);
        Assert.IsType<ChipObserved>(Assert.Single(d.Events));
    }

    [Fact]
    public void only_an_agency_holds_or_releases()
    {
        Assert.Equal("not_agency", ChipDecisions.Decide(new PlaceChipHold(Id(), ChipId, "x", Mfr, Next()), InStock()).Error?.Code);
        var held = InStock().Then(new PlaceChipHold(Id(), ChipId, "x", Bis, Next()));
        Assert.Equal("not_agency", ChipDecisions.Decide(new ReleaseChipHold(Id(), ChipId, "x", Mfr, Next()), held).Error?.Code);
    }

    [Fact]
    public void a_hold_needs_a_reason() =>
        Assert.Equal("reason_required", ChipDecisions.Decide(new PlaceChipHold(Id(), ChipId, " ", Bis, Next()), InStock()).Error?.Code);

    [Fact]
    public void a_lot_hold_holds_every_chip_of_the_lot_in_one_decision()
    {
        var chips = new[] { InStock("nvidia:1"), InStock("nvidia:2"), InStock("nvidia:3") };
        var d = ChipBatch.HoldLot(Id(), "lot-1", "lot recalled", Bis, Next(), chips);
        Assert.True(d.IsAccepted, d.ToString());
        Assert.Equal(["nvidia:1", "nvidia:2", "nvidia:3"], d.Events.Select(s => s.Stream.Id));
        Assert.All(d.Events, s => Assert.Equal("lot-1", Assert.IsType<ChipHoldPlaced>(Assert.Single(s.Events)).LotId));
        Assert.Equal(3, d.Events.Select(s => ((ChipHoldPlaced)s.Events[0]).EventId).Distinct().Count());
    }

    [Fact]
    public void an_illegitimate_chip_refuses_custodian_commands_but_can_be_destroyed()
    {
        var bad = InStock().Then(new DeclareChipIllegitimate(Id(), ChipId, "counterfeit", Bis, Next()));
        Assert.Equal("chip_illegitimate", ChipDecisions.Decide(Ship(bad, Mfr), bad).Error?.Code);
        Assert.Equal(ChipStage.Destroyed, bad.Then(new DestroyChip(Id(), ChipId, "shredded", Mfr, Next())).Stage);
    }
}

public class LotHoldTests
{
    [Fact]
    public void a_lot_hold_skips_chips_already_held()
    {
        var held = ChipWorld.InStock("nvidia:2").Then(new PlaceChipHold(ChipWorld.Id(), "nvidia:2", "x", ChipWorld.Bis, ChipWorld.Next()));
        var other = ChipWorld.InStock("nvidia:1");
        var d = ChipBatch.HoldLot(ChipWorld.Id(), "lot-1", "recall", ChipWorld.Bis, ChipWorld.Next(), [other, held]);
        Assert.Equal(["nvidia:1"], d.Events.Select(s => s.Stream.Id));
        Assert.Equal("lot_not_found", ChipBatch.HoldLot(ChipWorld.Id(), "lot-9", "recall", ChipWorld.Bis, ChipWorld.Next(), [held]).Error?.Code);
    }
}
