using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Projections.Placements;

namespace ChipRegistry.Domain.Detection.CustodyGap;

/// <summary>
/// A chip's shipments and their first receipts, folded from its stream the way the placements are: voided events (and
/// their cascade) never count, the rest apply in business-time order (sequence order among equal times), so a receipt
/// reported late lands where it happened. A receipt closes the shipment it names; an observed receipt by another party
/// closes the shipment in transit at the time it states.
/// </summary>
public static class CustodyGapFold
{
    public const string ReceiptObservationKind = "receipt";

    public static IReadOnlyList<CustodyGapShipment> Of(string chipId, IReadOnlyList<SequencedChipEvent> stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var history = ChipHistory.Fold(chipId, stream.Select(e => e.Event));
        var ordered = stream.Where(e => e.Event is not ChipEventVoided).OrderBy(e => e.Event.OccurredAt).ThenBy(e => e.SeqId);

        var shipments = new List<CustodyGapShipment>();
        var byEvent = new Dictionary<Guid, int>();
        int? inTransit = null;
        var state = ChipState.Initial(chipId);
        foreach (var (seqId, e) in ordered.Select(x => (x.SeqId, x.Event)))
        {
            var voided = history.Voided.Contains(e.EventId);
            switch (e)
            {
                case ChipShipped s:
                    shipments.Add(new CustodyGapShipment(chipId, seqId, s.RecordedBy, state.LocationCountry, s.ConsigneeId, s.DestinationCountry,
                        s.OccurredAt, null, null, voided));
                    if (!voided)
                    {
                        byEvent[s.EventId] = shipments.Count - 1;
                        inTransit = shipments.Count - 1;
                    }
                    break;
                case ChipReturned when !voided:
                    inTransit = null;
                    break;
                case ChipReceived r when !voided && byEvent.TryGetValue(r.ShipmentEventId, out var k):
                    Receive(shipments, k, r.OccurredAt, seqId);
                    if (inTransit == k) inTransit = null;
                    break;
                case ChipObserved { Kind: ReceiptObservationKind } o when !voided && inTransit is { } open:
                    Receive(shipments, open, o.OccurredAt, seqId);
                    inTransit = null;
                    break;
            }
            if (!voided) state = ChipState.Evolve(state, e);
        }
        return shipments;
    }

    private static void Receive(List<CustodyGapShipment> shipments, int index, NodaTime.Instant at, long seqId)
    {
        if (shipments[index].ReceivedAt is { } first && first <= at) return;
        shipments[index] = shipments[index] with { ReceivedAt = at, ReceiptSeqId = seqId };
    }
}
