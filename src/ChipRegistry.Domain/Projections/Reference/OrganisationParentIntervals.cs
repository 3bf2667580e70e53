using ChipRegistry.Domain.Organisations;

namespace ChipRegistry.Domain.Projections.Reference;

/// <summary>
/// Every organisation's parent chain over time, from the folded organisations. A parent change moves every
/// descendant, so an organisation's intervals break on the dates of its own links and of every organisation that
/// is ever above it; between two such dates its chain cannot change. The first interval starts on the earliest of
/// its founding date and those dates: before that the organisation is its own ultimate parent.
/// </summary>
public static class OrganisationParentIntervals
{
    public static IReadOnlyList<OrganisationParentInterval> Of(IEnumerable<Organisation> organisations)
    {
        var directory = new OrganisationDirectory(organisations);
        var rows = new List<OrganisationParentInterval>();
        foreach (var organisation in directory.All.OrderBy(o => o.Id, StringComparer.Ordinal))
        {
            var dates = EverAbove(directory, organisation)
                .SelectMany(o => o.ParentHistory.Select(l => l.From))
                .Concat(organisation.ParentHistory.Select(l => l.From))
                .ToHashSet();
            var start = dates.Append(organisation.FoundedOn).Min();
            var points = dates.Where(d => d > start).Append(start).Order().Select(date =>
            {
                var ultimate = directory.UltimateParentId(organisation.Id, date);
                var country = directory.Find(ultimate)?.Country ?? organisation.Country;
                return (Intervals.StartOf(date), (organisation.ParentOn(date), ultimate, country));
            });
            rows.AddRange(Intervals.Of(points).Select(i =>
                new OrganisationParentInterval(organisation.Id, i.From, i.To, i.Value.Item1, i.Value.ultimate, i.Value.country)));
        }
        return rows;
    }

    /// <summary>The organisations that are a parent of <paramref name="organisation"/>'s chain on some date (any link ever recorded).</summary>
    private static IEnumerable<Organisation> EverAbove(OrganisationDirectory directory, Organisation organisation)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { organisation.Id };
        var frontier = new Queue<Organisation>([organisation]);
        while (frontier.TryDequeue(out var current))
        {
            foreach (var parentId in current.ParentHistory.Select(l => l.ParentId).OfType<string>())
            {
                if (!seen.Add(parentId) || directory.Find(parentId) is not { } parent) continue;
                frontier.Enqueue(parent);
                yield return parent;
            }
        }
    }
}
