using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Projections.Placements;
using NodaTime;
using NodaTime.Text;

namespace ChipRegistry.Domain.Detection.Divergence;

/// <summary>
/// One shipment of a chip as rule 5 sees it: the bill-to party's country (as the registry knew it when the shipment
/// was recorded), the ship-to country (the destination), the consignee's receipt (the delivery) and the first
/// installation after it, with the installation's country. Kept only when two of the three countries differ as far as
/// they are known; a voided shipment is kept, marked, so the group's first evidence never moves.
/// </summary>
public sealed record DivergentDelivery(
    string ChipId, long SeqId, string ShipperId, string ConsigneeId, string BillToId, string BillToCountry, string DestinationCountry, Instant ShippedAt,
    Instant? DeliveredAt, long? ReceiptSeqId, Instant? InstalledAt, long? InstallationSeqId, string? InstallCountry, bool Voided) : IVoidableFact
{
    /// <summary>One shipping act: same shipper, consignee, bill-to party, destination and business instant.</summary>
    public string GroupKey => string.Join('|', ShipperId, ConsigneeId, BillToId, DestinationCountry, InstantPattern.ExtendedIso.Format(ShippedAt));

    /// <summary>Two of bill-to, ship-to and install countries differ (the install country counts once known).</summary>
    public bool Diverges => BillToCountry != DestinationCountry || (InstallCountry is { } installed && (installed != BillToCountry || installed != DestinationCountry));

    /// <summary>A shipment with the chip's delivery and first installation after it, before the bill-to country is known.</summary>
    public sealed record Shipment(long SeqId, ChipShipped Shipped, bool Voided, (long SeqId, Instant At)? Receipt, (long SeqId, Instant At, string Country)? Installation);

    /// <summary>
    /// The chip's shipments in business-time order (sequence order among equal times), each with the consignee's first
    /// receipt after it and the first installation after that receipt, before the next shipment. Voided receipts and
    /// installations do not count; a voided shipment is kept, marked.
    /// </summary>
    public static IReadOnlyList<Shipment> ShipmentsOf(string chipId, IReadOnlyList<SequencedChipEvent> stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var history = ChipHistory.Fold(chipId, stream.Select(e => e.Event));
        var shipments = new List<Shipment>();
        foreach (var (seqId, e) in stream.Where(e => e.Event is not ChipEventVoided).OrderBy(e => e.Event.OccurredAt).ThenBy(e => e.SeqId)
                     .Select(x => (x.SeqId, x.Event)))
        {
            var voided = history.Voided.Contains(e.EventId);
            switch (e)
            {
                case ChipShipped shipped:
                    shipments.Add(new Shipment(seqId, shipped, voided, null, null));
                    break;
                case ChipReceived when !voided && shipments.Count > 0 && shipments[^1].Receipt is null:
                    shipments[^1] = shipments[^1] with { Receipt = (seqId, e.OccurredAt) };
                    break;
                case ChipInstalled installed when !voided && shipments.Count > 0 && shipments[^1] is { Receipt: not null, Installation: null }:
                    shipments[^1] = shipments[^1] with { Installation = (seqId, e.OccurredAt, installed.Country) };
                    break;
            }
        }
        return shipments;
    }

    /// <summary>The chip events that start, deliver or install a shipment.</summary>
    public static bool Matters(object data) => data is ChipShipped or ChipReceived or ChipInstalled or ChipEventVoided;
}
