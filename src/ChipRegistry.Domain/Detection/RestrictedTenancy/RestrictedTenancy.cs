using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Projections.Placements;
using NodaTime;

namespace ChipRegistry.Domain.Detection.RestrictedTenancy;

/// <summary>
/// An installed chip assigned to a tenant from <see cref="From"/> until <see cref="Until"/> (its stated end, the next
/// assignment, or the chip leaving the cluster; null while it stands), on the cluster the chip was installed in. Kept
/// only when the tenant's ultimate parent (the tenant itself when it has none) is headquartered in D:5 or Macau on the
/// assignment's first day, as the registry knew it when the assignment was recorded. A voided assignment is kept, marked.
/// </summary>
public sealed record RestrictedTenancy(
    string ChipId, long SeqId, string FacilityId, string ClusterId, string Country, string TenantId, string ParentId, string ParentCountry,
    Instant From, Instant? Until, bool Voided) : IVoidableFact
{
    /// <summary>One flag per cluster and tenant.</summary>
    public string GroupKey => string.Join('|', FacilityId, ClusterId, TenantId);

    /// <summary>A chip's tenancy with the cluster it stood on, before the tenant is judged.</summary>
    public sealed record Assignment(long SeqId, ChipTenantAssigned Assigned, string FacilityId, string ClusterId, string Country, Instant? Until, bool Voided);

    /// <summary>
    /// The chip's tenancies in business-time order (sequence order among equal times), each on the cluster of the chip's
    /// installation then, ending at its stated end, at the next assignment, or when the chip is removed or leaves;
    /// voided events do not count, and a voided assignment is kept, marked.
    /// </summary>
    public static IReadOnlyList<Assignment> AssignmentsOf(string chipId, IReadOnlyList<SequencedChipEvent> stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var history = ChipHistory.Fold(chipId, stream.Select(e => e.Event));
        var assignments = new List<Assignment>();
        ChipInstalled? placement = null;
        int? open = null;
        void End(Instant at)
        {
            if (open is not { } index) return;
            if (assignments[index].Until is not { } until || until > at) assignments[index] = assignments[index] with { Until = at };
            open = null;
        }
        foreach (var (seqId, e) in stream.Where(e => e.Event is not ChipEventVoided).OrderBy(e => e.Event.OccurredAt).ThenBy(e => e.SeqId)
                     .Select(x => (x.SeqId, x.Event)))
        {
            var voided = history.Voided.Contains(e.EventId);
            switch (e)
            {
                case ChipInstalled installed when !voided:
                    End(e.OccurredAt);
                    placement = installed;
                    break;
                case ChipTenantAssigned assigned when placement is not null:
                    if (!voided) End(assigned.From);
                    assignments.Add(new Assignment(seqId, assigned, placement.FacilityId, placement.ClusterId, placement.Country, assigned.To, voided));
                    if (!voided) open = assignments.Count - 1;
                    break;
                case ChipRemoved or ChipShipped or ChipReturned or ChipDecommissioned or ChipDestroyed or ChipMissingReported when !voided:
                    End(e.OccurredAt);
                    placement = null;
                    break;
            }
        }
        return assignments;
    }

    /// <summary>The chip events that place a chip, assign it, or take it off its cluster.</summary>
    public static bool Matters(object data) =>
        data is ChipTenantAssigned or ChipInstalled or ChipRemoved or ChipShipped or ChipReturned or ChipDecommissioned or ChipDestroyed
            or ChipMissingReported or ChipEventVoided;
}
