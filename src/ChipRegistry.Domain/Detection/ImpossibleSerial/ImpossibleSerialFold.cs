using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Detection.Landmarks;
using ChipRegistry.Domain.Facilities;
using ChipRegistry.Domain.Projections.Placements;
using NodaTime;

namespace ChipRegistry.Domain.Detection.ImpossibleSerial;

/// <summary>
/// Folds a chip's stream for rule 11 in business-time order (sequence order among equal times), the chip's state
/// evolved from the events that stand (voided ones and their cascade left out, as the placements are). Each report is
/// judged against the state just before it: placed at another facility than the one the chip is installed at, placed
/// at a facility (its registered coordinates, as known when the report was recorded) too far from the previous
/// placement for the time between, or made after the destruction. A voided report is judged too, marked voided, so a
/// void withdraws the flag it raised rather than moving it.
/// </summary>
public static class ImpossibleSerialFold
{
    private sealed record Located(long SeqId, Instant At, Facility Facility, bool Voided);

    /// <param name="facilityAt">The facility as registered at a sequence number, or null.</param>
    /// <param name="maxSpeedKmh">The speed limit in force at an instant.</param>
    public static IReadOnlyList<SerialConflict> Of(
        string chipId, IReadOnlyList<SequencedChipEvent> stream, Func<string, long, Facility?> facilityAt, Func<Instant, decimal> maxSpeedKmh)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(facilityAt);
        ArgumentNullException.ThrowIfNull(maxSpeedKmh);
        var voidedEvents = stream.Any(e => e.Event is ChipEventVoided) ? ChipHistory.Fold(chipId, stream.Select(e => e.Event)).Voided : [];
        var ordered = stream.Where(e => e.Event is not ChipEventVoided).OrderBy(e => e.Event.OccurredAt).ThenBy(e => e.SeqId);

        var conflicts = new List<SerialConflict>();
        var state = ChipState.Initial(chipId);
        (long SeqId, Instant At)? installed = null, destroyed = null;
        Located? previousLive = null, previousAny = null;
        foreach (var (seqId, e) in ordered.Select(x => (x.SeqId, x.Event)))
        {
            var voided = voidedEvents.Contains(e.EventId);
            SerialConflict Conflict(string kind, long otherSeqId, Instant otherAt, string? facility = null, string? otherFacility = null,
                decimal? distance = null, decimal? speed = null, decimal? max = null, bool otherVoided = false) =>
                new(chipId, seqId, kind, Report(e), e.RecordedBy, e.OccurredAt, otherSeqId, otherAt, facility, otherFacility,
                    distance, speed, max, voided || otherVoided);

            if (destroyed is { } destruction) conflicts.Add(Conflict(SerialConflict.AfterDestruction, destruction.SeqId, destruction.At));
            var placedAt = PlacedAt(e);
            if (placedAt is not null && e is not ChipRemoved && state is { Stage: ChipStage.Installed, Installation: { } installation } && installation.FacilityId != placedAt
                && installed is { } install)
            {
                conflicts.Add(Conflict(SerialConflict.Concurrent, install.SeqId, install.At, placedAt, installation.FacilityId));
            }
            if (placedAt is not null && facilityAt(placedAt, seqId) is { } facility)
            {
                var here = new Located(seqId, e.OccurredAt, facility, voided);
                foreach (var before in new[] { previousLive, previousAny }.OfType<Located>().Distinct())
                {
                    if (before != previousLive && !before.Voided) continue;
                    if (TooFast(here, before, maxSpeedKmh(e.OccurredAt)) is { } fast)
                    {
                        conflicts.Add(Conflict(SerialConflict.Speed, before.SeqId, before.At, facility.Id, before.Facility.Id, fast.Distance, fast.Speed,
                            fast.Max, before.Voided));
                    }
                }
                previousAny = here;
                if (!voided) previousLive = here;
            }
            if (voided) continue;
            state = ChipState.Evolve(state, e);
            if (e is ChipInstalled) installed = (seqId, e.OccurredAt);
            if (e is ChipDestroyed) destroyed = (seqId, e.OccurredAt);
        }
        return conflicts;
    }

    /// <summary>The implied speed between two placements at different facilities, when above the limit (any distance in no time is).</summary>
    private static (decimal Distance, decimal? Speed, decimal Max)? TooFast(Located here, Located before, decimal max)
    {
        if (here.Facility.Id == before.Facility.Id) return null;
        var distance = GreatCircle.DistanceKm(before.Facility.Latitude, before.Facility.Longitude, here.Facility.Latitude, here.Facility.Longitude);
        var hours = (decimal)(here.At - before.At).TotalHours;
        if (hours <= 0) return distance > 0 ? (distance, null, max) : null;
        var speed = distance / hours;
        return speed > max ? (distance, speed, max) : null;
    }

    /// <summary>The facility a report places the chip at, if it names one (a removal places it where it was installed).</summary>
    private static string? PlacedAt(IChipEvent e) => e switch
    {
        ChipInstalled i => i.FacilityId,
        ChipLocationAttested a => a.FacilityId,
        ChipObserved o => o.FacilityId,
        ChipRemoved r => r.FacilityId,
        _ => null,
    };

    private static string Report(IChipEvent e) => e switch
    {
        ChipObserved o => o.Kind,
        ChipInstalled => "installation",
        ChipLocationAttested => "location_attestation",
        _ => DomainEventNames.ByType.GetValueOrDefault(e.GetType(), e.GetType().Name),
    };
}
