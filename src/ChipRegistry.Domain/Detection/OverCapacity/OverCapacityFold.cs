using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Projections.Placements;
using NodaTime;

namespace ChipRegistry.Domain.Detection.OverCapacity;

/// <summary>
/// Folds a chip's stream for rule 10: the events that stand (voided ones and their cascade left out), in business-time
/// order. Each installation is a stay at its facility, ended by whatever ends the installation (a removal,
/// destruction, a report of loss); its TDP is the model's as the spec stood when the installation was recorded.
/// </summary>
public static class OverCapacityFold
{
    /// <param name="tdpAt">The chip's TDP in watts from the spec in force at an instant, as known at a sequence number.</param>
    public static IReadOnlyList<InstalledStay> Of(string chipId, IReadOnlyList<SequencedChipEvent> stream, Func<long, Instant, decimal?> tdpAt)
    {
        ArgumentNullException.ThrowIfNull(tdpAt);
        var stays = new List<InstalledStay>();
        var state = ChipState.Initial(chipId);
        var standing = false;
        foreach (var (seqId, e) in PlacementFold.Effective(chipId, stream).Select(x => (x.SeqId, x.Event)))
        {
            state = ChipState.Evolve(state, e);
            if (e is ChipInstalled i && state.Stage == ChipStage.Installed)
            {
                stays.Add(new InstalledStay(chipId, seqId, i.FacilityId, i.OccurredAt, null, null, tdpAt(seqId, i.OccurredAt)));
                standing = true;
            }
            else if (standing && state.Stage != ChipStage.Installed)
            {
                stays[^1] = stays[^1] with { EndedAt = e.OccurredAt, EndSeqId = seqId };
                standing = false;
            }
        }
        return stays;
    }
}
