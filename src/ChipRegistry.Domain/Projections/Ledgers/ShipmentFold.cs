using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Projections.Placements;

namespace ChipRegistry.Domain.Projections.Ledgers;

/// <summary>
/// A chip's shipments, folded from its whole stream the way <see cref="PlacementFold"/> folds its stays: voided events
/// (with their cascade) are left out and the rest applied in business-time order (sequence order among equal times),
/// so a backdated shipment or receipt lands where it happened and a voided one disappears. Each shipment takes the
/// model, custodian (the exporter) and country of the chip just before it; a receipt marks its own shipment delivered.
/// </summary>
public static class ShipmentFold
{
    public static IReadOnlyList<ShipmentFact> Of(string chipId, IReadOnlyList<SequencedChipEvent> stream)
    {
        var effective = PlacementFold.Effective(chipId, stream);

        var facts = new List<ShipmentFact>();
        var byEvent = new Dictionary<Guid, int>();
        var state = ChipState.Initial(chipId);
        foreach (var (seqId, e) in effective.Select(x => (x.SeqId, x.Event)))
        {
            switch (e)
            {
                case ChipShipped s:
                    byEvent[s.EventId] = facts.Count;
                    facts.Add(Fact(facts.Count + 1, seqId, ShipmentKinds.Shipment, state, s, s.DestinationCountry, s.ConsigneeId));
                    break;
                case ChipReturned r:
                    byEvent[r.EventId] = facts.Count;
                    facts.Add(Fact(facts.Count + 1, seqId, ShipmentKinds.RmaReturn, state, r, r.DestinationCountry, r.ManufacturerId));
                    break;
                case ChipReceived r when byEvent.TryGetValue(r.ShipmentEventId, out var k):
                    facts[k] = facts[k] with { ReceivedAt = r.OccurredAt, ReceiptCountry = r.Country };
                    break;
            }
            state = ChipState.Evolve(state, e);
        }
        return facts;
    }

    private static ShipmentFact Fact(int ordinal, long seqId, string kind, ChipState before, IChipEvent e, string destination, string consignee) =>
        new(before.ChipId, ordinal, seqId, kind, e.OccurredAt, before.ModelId, before.CustodianId, before.LocationCountry, destination, consignee, null, null);
}
