using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Licences;
using ChipRegistry.Domain.Projections.Ledgers;
using ChipRegistry.Domain.Projections.Placements;
using NodaTime;

namespace ChipRegistry.Domain.Tests.Projections;

/// <summary>A chip's shipments folded from hand-built streams: voids, backdated reports, an RMA return then re-export, a receipt by someone else.</summary>
public sealed class ShipmentFoldTests
{
    private const string Chip = "nvidia:S-1";
    private static readonly Instant T0 = Instant.FromUtc(2026, 1, 1, 0, 0);

    private static Instant Day(int n) => T0 + Duration.FromDays(n);

    private static readonly Guid Fabrication = Guid.NewGuid(), ToUs = Guid.NewGuid(), UsReceipt = Guid.NewGuid(), Return = Guid.NewGuid(),
        ReturnReceipt = Guid.NewGuid(), ToHk = Guid.NewGuid(), HkReceipt = Guid.NewGuid();

    private static ChipShipped Shipped(Guid id, string country, string consignee, string by, Instant at) =>
        new(id, Chip, country, consignee, consignee, consignee, consignee, consignee, null, LicenceCheckResult.NoneNeeded, "none", "", null, by, at);

    /// <summary>Made in Taiwan, shipped to a US operator, returned under an RMA, re-exported to Hong Kong.</summary>
    private static IChipEvent[] Life() =>
    [
        new ChipFabricated(Fabrication, Chip, "nvidia-h100-sxm", "nvidia", "lot-1", "TW", "nvidia", Day(0)),
        Shipped(ToUs, "US", "op", "nvidia", Day(10)),
        new ChipReceived(UsReceipt, Chip, ToUs, "US", null, "op", Day(20)),
        new ChipReturned(Return, Chip, "RMA-7", "nvidia", "TW", "op", Day(30)),
        new ChipReceived(ReturnReceipt, Chip, Return, "TW", null, "nvidia", Day(40)),
        Shipped(ToHk, "HK", "hk-trader", "nvidia", Day(50)),
        new ChipReceived(HkReceipt, Chip, ToHk, "HK", null, "hk-trader", Day(60)),
    ];

    private static IReadOnlyList<ShipmentFact> Fold(IEnumerable<IChipEvent> stream) =>
        ShipmentFold.Of(Chip, [.. stream.Select((e, i) => new SequencedChipEvent(100 + i, e))]);

    private static string Describe(ShipmentFact f) =>
        $"{f.Kind} {f.ShippedAt:yyyy-MM-dd} {f.ModelId} {f.ExporterId}@{f.OriginCountry} -> {f.ConsigneeId}@{f.DestinationCountry} received={(f.ReceivedAt is { } at ? at.ToString("yyyy-MM-dd", null) : "")}@{f.ReceiptCountry}";

    [Fact]
    public void an_rma_return_is_kept_apart_and_the_re_export_is_a_shipment_of_its_own_by_the_manufacturer()
    {
        Assert.Equal(
        [
            "shipment 2026-01-11 nvidia-h100-sxm nvidia@TW -> op@US received=2026-01-21@US",
            "rma_return 2026-01-31 nvidia-h100-sxm op@US -> nvidia@TW received=2026-02-10@TW",
            "shipment 2026-02-20 nvidia-h100-sxm nvidia@TW -> hk-trader@HK received=2026-03-02@HK",
        ], Fold(Life()).Select(Describe));
    }

    [Fact]
    public void the_order_of_report_does_not_change_the_shipments()
    {
        Assert.Equal(Fold(Life()).Select(Describe), Fold(Life().Reverse()).Select(Describe));
    }

    [Fact]
    public void a_backdated_shipment_lands_before_the_later_ones_and_takes_the_custodian_of_its_own_date()
    {
        var life = Life();
        var late = Fold([.. life.Where(e => e.EventId != ToUs), life[1]]);
        Assert.Equal(Fold(life).Select(Describe), late.Select(Describe));
        // Reported last (sequence 106), it is still the first shipment; the others keep their own events.
        Assert.Equal([106L, 102, 104], late.Select(f => f.SeqId));
    }

    [Fact]
    public void a_voided_shipment_leaves_the_ledger_with_everything_that_rested_on_it()
    {
        var voided = Fold([.. Life().Take(3), new ChipEventVoided(Guid.NewGuid(), Chip, UsReceipt, UsReceipt, "wrong pallet", "op", Day(25)),
            new ChipEventVoided(Guid.NewGuid(), Chip, ToUs, ToUs, "never left", "nvidia", Day(26))]);
        Assert.Empty(voided);
    }

    [Fact]
    public void a_receipt_reported_by_someone_else_does_not_deliver_the_shipment()
    {
        var stream = Life().Take(2).Append(new ChipObserved(Guid.NewGuid(), Chip, "receive_chip", true, "not_custodian", null, "US", null, "", "stranger", Day(20)));
        Assert.Equal(["shipment 2026-01-11 nvidia-h100-sxm nvidia@TW -> op@US received=@"], Fold(stream).Select(Describe));
    }
}
