using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Projections.Placements;
using NodaTime;

namespace ChipRegistry.Domain.Detection.IdleInventory;

/// <summary>
/// A chip delivered to an organisation (received by it as consignee) and not installed from <see cref="DeliveredAt"/>
/// until <see cref="IdleUntil"/>: its installation, or the act that took it out of the organisation's stock (shipped
/// on, returned, decommissioned, destroyed, reported missing); null while it stays. A voided receipt is kept, marked,
/// so the group's first evidence never moves.
/// </summary>
public sealed record IdleInterval(string ChipId, long SeqId, string OrganisationId, Instant DeliveredAt, Instant? IdleUntil, bool Voided) : IVoidableFact
{
    /// <summary>One flag per organisation: its idle stock is counted together.</summary>
    public string GroupKey => OrganisationId;

    /// <summary>
    /// The chip's idle intervals, from its stream in business-time order (sequence order among equal times); voided events
    /// (with their cascade) neither start nor end one.
    /// </summary>
    public static IReadOnlyList<IdleInterval> Of(string chipId, IReadOnlyList<SequencedChipEvent> stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var history = ChipHistory.Fold(chipId, stream.Select(e => e.Event));
        var intervals = new List<IdleInterval>();
        int? open = null;
        foreach (var (seqId, e) in stream.Where(e => e.Event is not ChipEventVoided).OrderBy(e => e.Event.OccurredAt).ThenBy(e => e.SeqId)
                     .Select(x => (x.SeqId, x.Event)))
        {
            var voided = history.Voided.Contains(e.EventId);
            switch (e)
            {
                case ChipReceived received:
                    if (!voided && open is { } previous) intervals[previous] = intervals[previous] with { IdleUntil = e.OccurredAt };
                    intervals.Add(new IdleInterval(chipId, seqId, received.RecordedBy, e.OccurredAt, null, voided));
                    open = voided ? open : intervals.Count - 1;
                    break;
                case ChipInstalled or ChipShipped or ChipReturned or ChipDecommissioned or ChipDestroyed or ChipMissingReported when !voided && open is { } at:
                    intervals[at] = intervals[at] with { IdleUntil = e.OccurredAt };
                    open = null;
                    break;
            }
        }
        return intervals;
    }

    /// <summary>The chip events that start or end an idle interval.</summary>
    public static bool Matters(object data) =>
        data is ChipReceived or ChipInstalled or ChipShipped or ChipReturned or ChipDecommissioned or ChipDestroyed or ChipMissingReported or ChipEventVoided;
}
