using NodaTime;

namespace ChipRegistry.Domain.Detection.Flags;

/// <summary>
/// For a rule that counts what has stood long enough (chips idle for 90 days, chips rented for 7 days, H100e installed
/// at a site): each item counts, with its weight (1 by default), from an instant until another (or for good), and a
/// spell is a stretch of time during which the standing total is at least the minimum (read at each instant). Pure,
/// and one sweep over the instants where the total or the minimum can change, so a group of thousands of chips is
/// judged in n log n.
/// </summary>
public static class StandingCount
{
    /// <summary>A stretch at or above the minimum: the items standing at its start and their total, the highest total in it, the minimum at its start.</summary>
    public sealed record Spell<T>(Instant From, Instant? Until, IReadOnlyList<T> CountedAtStart, decimal TotalAtStart, decimal Peak, decimal Minimum);

    public static IReadOnlyList<Spell<T>> Spells<T>(
        IEnumerable<T> items, Func<T, Instant> countsFrom, Func<T, Instant?> until, Func<Instant, decimal> minimumAt, IEnumerable<Instant> minimumChanges,
        Func<T, decimal>? weight = null)
        where T : notnull
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(countsFrom);
        ArgumentNullException.ThrowIfNull(until);
        ArgumentNullException.ThrowIfNull(minimumAt);
        ArgumentNullException.ThrowIfNull(minimumChanges);
        var changes = new List<(Instant At, bool Starts, T? Item)>();
        foreach (var item in items)
        {
            var from = countsFrom(item);
            if (until(item) is { } end && end <= from) continue;
            changes.Add((from, true, item));
            if (until(item) is { } stop) changes.Add((stop, false, item));
        }
        changes.AddRange(minimumChanges.Select(at => (at, false, default(T))));
        changes.Sort((a, b) => a.At.CompareTo(b.At));

        var standing = new HashSet<T>();
        var total = 0m;
        var spells = new List<Spell<T>>();
        Spell<T>? current = null;
        for (var i = 0; i < changes.Count;)
        {
            var at = changes[i].At;
            for (; i < changes.Count && changes[i].At == at; i++)
            {
                if (changes[i].Item is not { } item) continue;
                if (changes[i].Starts ? standing.Add(item) : standing.Remove(item)) total += (changes[i].Starts ? 1 : -1) * (weight?.Invoke(item) ?? 1m);
            }
            var minimum = minimumAt(at);
            if (standing.Count > 0 && total >= minimum)
            {
                current = current is null ? new Spell<T>(at, null, [.. standing], total, total, minimum) : current with { Peak = Math.Max(current.Peak, total) };
            }
            else if (current is not null)
            {
                spells.Add(current with { Until = at });
                current = null;
            }
        }
        if (current is not null) spells.Add(current);
        return spells;
    }
}
