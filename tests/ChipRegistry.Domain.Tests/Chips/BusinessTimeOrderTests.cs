using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Chips;
using NodaTime;
using static ChipRegistry.Domain.Tests.Chips.ChipWorld;

namespace ChipRegistry.Domain.Tests.Chips;

/// <summary>No act is dated before the chip's latest accepted act; observations keep their time and are marked.</summary>
public class BusinessTimeOrderTests
{
    private static readonly Duration Day = Duration.FromDays(1);

    private static IEnumerable<Type> CommandTypes() =>
        typeof(IChipCommand).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IChipCommand).IsAssignableFrom(t) && t != typeof(VoidChipEvent))
            .OrderBy(t => t.Name);

    private static readonly string[] States =
        ["in_stock", "sale_offered", "packed", "in_transit", "installed", "decommissioned", "destroyed", "missing", "on_hold", "illegitimate"];

    public static TheoryData<string, string> Cells()
    {
        var data = new TheoryData<string, string>();
        foreach (var type in CommandTypes()) foreach (var state in States) data.Add(type.Name, state);
        return data;
    }

    /// <summary>
    /// Every command that the lifecycle accepts as an act in a named state is refused once the chip's latest act lies after
    /// its time; every command it keeps as an observation is still kept, marked out of order.
    /// </summary>
    [Theory]
    [MemberData(nameof(Cells))]
    public void an_act_dated_before_the_latest_act_is_refused_and_an_observation_is_kept_marked(string command, string state)
    {
        var history = Named(state);
        var type = CommandTypes().Single(t => t.Name == command);
        var canonical = Canonical(type, history);
        var inOrder = ChipDecisions.Decide(canonical, history.State);
        if (!inOrder.IsAccepted) return; // refused for its own reasons: nothing about time to check

        var later = history.State with { LastActAt = canonical.At + Day };
        var outOfOrder = ChipDecisions.Decide(canonical, later);

        if (inOrder.Events.All(e => e is ChipObserved))
        {
            Assert.True(outOfOrder.IsAccepted, outOfOrder.ToString());
            Assert.All(outOfOrder.Events, e => Assert.True(Assert.IsType<ChipObserved>(e).OutOfOrder));
            Assert.All(inOrder.Events, e => Assert.False(((ChipObserved)e).OutOfOrder));
        }
        else
        {
            Assert.Equal(ChipErrors.OccurredOutOfOrder, outOfOrder.Error?.Code);
            Assert.Contains(InstantPatternText(canonical.At + Day), outOfOrder.Error!.Message, StringComparison.Ordinal);
        }
    }

    private static string InstantPatternText(Instant at) => NodaTime.Text.InstantPattern.ExtendedIso.Format(at);

    [Fact]
    public void every_accepted_act_moves_the_latest_act_time_and_an_observation_does_not()
    {
        var s = InStock();
        var fabricated = s.LastActAt;
        Assert.NotNull(fabricated);

        var at = Next();
        var offered = s.Then(new OfferChipSale(Id(), ChipId, "buyer", Mfr, at));
        Assert.Equal(at, offered.LastActAt);

        var observed = offered.Then(new ReportChipObservation(Id(), ChipId, "sighting", null, "US", "seen", Stranger, Next()));
        Assert.Equal(at, observed.LastActAt);
    }

    [Fact]
    public void an_act_before_the_fabrication_is_refused()
    {
        var s = InStock();
        var before = s.LastActAt!.Value - Duration.FromSeconds(1);
        var d = ChipDecisions.Decide(new OfferChipSale(Id(), ChipId, "buyer", Mfr, before), s);
        Assert.Equal("occurred_out_of_order", d.Error?.Code);
    }

    [Fact]
    public void an_act_at_the_same_instant_as_the_latest_act_is_accepted()
    {
        var s = InStock();
        Assert.True(ChipDecisions.Decide(new OfferChipSale(Id(), ChipId, "buyer", Mfr, s.LastActAt!.Value), s).IsAccepted);
    }

    [Fact]
    public void an_acceptance_before_its_offer_is_refused()
    {
        var s = InStock().Then(new OfferChipSale(Id(), ChipId, "buyer", Mfr, Next()));
        var d = ChipDecisions.Decide(new AcceptChipSale(Id(), ChipId, Buyer, s.Offer!.OfferedAt - Duration.FromMinutes(1)), s);
        Assert.Equal("occurred_out_of_order", d.Error?.Code);
    }

    [Fact]
    public void a_receipt_before_its_shipment_is_refused()
    {
        var s = InTransit();
        var d = ChipDecisions.Decide(new ReceiveChip(Id(), ChipId, "US", Op, s.Shipment!.ShippedAt - Day), s);
        Assert.Equal("occurred_out_of_order", d.Error?.Code);
    }

    [Fact]
    public void a_hold_dated_before_the_latest_act_is_refused()
    {
        var s = InTransit();
        var d = ChipDecisions.Decide(new PlaceChipHold(Id(), ChipId, "investigation", Bis, s.Shipment!.ShippedAt - Day), s);
        Assert.Equal("occurred_out_of_order", d.Error?.Code);
    }

    [Fact]
    public void a_third_party_report_dated_before_the_latest_act_keeps_its_time_and_is_marked()
    {
        var s = InTransit();
        var stated = s.Shipment!.ShippedAt - Day;
        var d = ChipDecisions.Decide(new ReceiveChip(Id(), ChipId, "MY", Stranger, stated), s);
        var observed = Assert.IsType<ChipObserved>(Assert.Single(d.Events));
        Assert.Equal((stated, true, ConflictCodes.NotCustodian), (observed.OccurredAt, observed.OutOfOrder, observed.ConflictCode));
    }

    [Fact]
    public void voiding_the_latest_act_takes_the_latest_act_time_back()
    {
        var history = InStockHistory();
        var fabricatedAt = history.State.LastActAt;
        history = history.Then(new OfferChipSale(Id(), ChipId, "buyer", Mfr, Next()));
        var offer = history.State.Offer!.EventId;
        history = history.Then(new VoidChipEvent(Id(), ChipId, offer, "entered in error", Mfr, Next()));
        Assert.Equal(fabricatedAt, history.State.LastActAt);
    }

    [Fact]
    public void a_void_is_not_held_to_the_order_of_acts()
    {
        var history = InStockHistory().Then(new OfferChipSale(Id(), ChipId, "buyer", Mfr, Next()));
        var d = ChipDecisions.Decide(new VoidChipEvent(Id(), ChipId, history.State.Offer!.EventId, "entered in error", Mfr, T0 - Day), history);
        Assert.True(d.IsAccepted, d.ToString());
    }

    [Fact]
    public void a_receipt_in_another_country_than_the_destination_is_kept_and_marked()
    {
        var s = InTransit(); // shipped to op in US
        var elsewhere = Assert.IsType<ChipReceived>(Assert.Single(ChipDecisions.Decide(new ReceiveChip(Id(), ChipId, "MY", Op, Next()), s).Events));
        var there = Assert.IsType<ChipReceived>(Assert.Single(ChipDecisions.Decide(new ReceiveChip(Id(), ChipId, "US", Op, Next()), s).Events));
        Assert.True(elsewhere.OtherCountry);
        Assert.False(there.OtherCountry);
    }

    [Fact]
    public void a_serial_whose_fabrication_was_voided_is_not_registered_again()
    {
        var history = InStockHistory();
        history = history.Then(new VoidChipEvent(Id(), ChipId, history.State.FabricationEventId!.Value, "wrong serial", Mfr, Next()));
        Assert.Equal(ChipStage.Unregistered, history.State.Stage);

        var d = ChipDecisions.Decide(new RegisterChip(Id(), ChipId, CatalogSeed.H100Sxm.ModelId, "lot-2", "TW", Mfr, Next()), history);
        Assert.Equal("chip_already_registered", d.Error?.Code);
    }
}
