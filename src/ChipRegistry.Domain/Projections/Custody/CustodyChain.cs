using ChipRegistry.Domain.Projections.Placements;

namespace ChipRegistry.Domain.Projections.Custody;

/// <summary>
/// A chip's custody chain, collapsed from its stays: consecutive stays with the same owner and custodian are one
/// step (an installation, a tenancy or a packing moves the chip but not its custody), and each step keeps the event
/// that began its first stay. Computed at read time from <c>chip_placements</c>, which already carries both parties
/// and the starting event of every stay.
/// </summary>
public static class CustodyChain
{
    public static IReadOnlyList<CustodyStep> Of(IEnumerable<Placement> stays)
    {
        ArgumentNullException.ThrowIfNull(stays);
        var steps = new List<CustodyStep>();
        foreach (var stay in stays.OrderBy(s => s.Ordinal))
        {
            var last = steps.Count > 0 ? steps[^1] : null;
            if (last is not null && last.To == stay.From && last.OwnerId == stay.OwnerId && last.CustodianId == stay.CustodianId)
            {
                steps[^1] = last with { To = stay.To };
                continue;
            }
            steps.Add(new CustodyStep(steps.Count + 1, stay.From, stay.To, stay.OwnerId, stay.CustodianId, stay.StartedBySeqId));
        }
        return steps;
    }
}
