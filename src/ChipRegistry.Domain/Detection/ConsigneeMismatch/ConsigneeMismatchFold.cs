using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Projections.Placements;

namespace ChipRegistry.Domain.Detection.ConsigneeMismatch;

/// <summary>
/// Folds a chip's stream for rule 2 the way the placements are folded: voided events (and their cascade) are kept as
/// acts, marked voided, and the rest apply in business-time order (sequence order among equal times). The governing shipment of an act
/// is the chip's latest shipment before it (an act after a voided one counts as voided); a return to the manufacturer
/// ends it. An act is judged only when its governing shipment cited a licence or notification.
/// </summary>
public static class ConsigneeMismatchFold
{
    public const string ReceiptObservationKind = "receipt";
    public const string InstallationObservationKind = "installation";

    /// <summary>The mismatched acts, <see cref="MismatchedAct.PartyRestricted"/> false: the caller knows the parties.</summary>
    public static IReadOnlyList<MismatchedAct> Of(string chipId, IReadOnlyList<SequencedChipEvent> stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var history = ChipHistory.Fold(chipId, stream.Select(e => e.Event));
        var ordered = stream.Where(e => e.Event is not ChipEventVoided).OrderBy(e => e.Event.OccurredAt).ThenBy(e => e.SeqId);

        var acts = new List<MismatchedAct>();
        (long SeqId, ChipShipped Shipment, bool Voided)? governing = null;
        foreach (var (seqId, e) in ordered.Select(x => (x.SeqId, x.Event)))
        {
            var voided = history.Voided.Contains(e.EventId);
            (string Kind, string Party, string Named, string? Facility, string? Country)? act = e switch
            {
                ChipObserved { Kind: ReceiptObservationKind } o => (MismatchedAct.Receipt, o.RecordedBy, governing?.Shipment.ConsigneeId ?? "", o.FacilityId, o.Country),
                ChipInstalled i => (MismatchedAct.Installation, i.OperatorId, governing?.Shipment.EndUserId ?? "", i.FacilityId, i.Country),
                ChipObserved { Kind: InstallationObservationKind } o => (MismatchedAct.Installation, o.RecordedBy, governing?.Shipment.EndUserId ?? "", o.FacilityId, o.Country),
                _ => null,
            };
            if (act is { } a && governing is ({ } shipmentSeqId, { AuthorisationNumber: { } authorisation } s, var shipmentVoided) && a.Party != a.Named)
            {
                acts.Add(new MismatchedAct(chipId, seqId, a.Kind, a.Party, a.Facility, a.Country ?? s.DestinationCountry, e.OccurredAt, shipmentSeqId,
                    s.RecordedBy, s.ConsigneeId, s.EndUserId, s.DestinationCountry, authorisation, s.OccurredAt,
                    false, voided || shipmentVoided));
            }
            // A voided shipment still governs the acts after it, which count as voided with it: the group (and the flag's
            // id) is the same whether the void was applied before or after them, in a rebuild too.
            switch (e)
            {
                case ChipShipped shipped:
                    governing = (seqId, shipped, voided);
                    break;
                case ChipReturned when !voided:
                    governing = null;
                    break;
            }
        }
        return acts;
    }
}
