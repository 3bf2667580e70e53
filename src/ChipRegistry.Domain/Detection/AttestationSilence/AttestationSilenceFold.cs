using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Projections.Placements;
using NodaTime;

namespace ChipRegistry.Domain.Detection.AttestationSilence;

/// <summary>
/// Folds a chip's stream for rule 12: the events that stand (voided ones and their cascade left out), in business-time
/// order. An installation starts a silent stretch; an attestation at the installed facility ends it and starts the
/// next; anything that ends the installation (a removal, destruction, a report of loss) ends it. A stretch that ended
/// by its deadline is dropped: it can never be late.
/// </summary>
public static class AttestationSilenceFold
{
    /// <param name="deadline">The deadline of a stretch started at an instant.</param>
    public static IReadOnlyList<SilentStretch> Of(string chipId, IReadOnlyList<SequencedChipEvent> stream, Func<Instant, Instant> deadline)
    {
        ArgumentNullException.ThrowIfNull(deadline);
        var stretches = new List<SilentStretch>();
        var state = ChipState.Initial(chipId);
        SilentStretch? current = null;
        void End(SilentStretch stretch, long seqId, Instant at, string by)
        {
            if (at > deadline(stretch.StartedAt)) stretches.Add(stretch with { EndedAt = at, EndSeqId = seqId, EndedBy = by });
        }
        foreach (var (seqId, e) in PlacementFold.Effective(chipId, stream).Select(x => (x.SeqId, x.Event)))
        {
            state = ChipState.Evolve(state, e);
            switch (e)
            {
                case ChipInstalled i when state.Stage == ChipStage.Installed:
                    current = new SilentStretch(chipId, seqId, i.FacilityId, i.Country, i.OccurredAt, null, null, null);
                    break;
                case ChipLocationAttested a when current is not null && a.FacilityId == current.FacilityId:
                    End(current, seqId, a.OccurredAt, SilentStretch.Attested);
                    current = current with { StartSeqId = seqId, StartedAt = a.OccurredAt };
                    break;
                default:
                    if (current is not null && state.Stage != ChipStage.Installed)
                    {
                        End(current, seqId, e.OccurredAt, SilentStretch.Uninstalled);
                        current = null;
                    }
                    break;
            }
        }
        if (current is not null) stretches.Add(current);
        return stretches;
    }
}
