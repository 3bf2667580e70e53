using System.Globalization;
using NodaTime;

namespace ChipRegistry.Domain.Detection.Thresholds;

/// <summary>
/// Which value each threshold has at a given instant: the latest change effective at or before it, in the order the
/// changes were recorded (a later record with the same effective instant wins), else the catalogue's default. Rules
/// read it at the instant they judge, so a rebuild judges each moment by the thresholds in force then.
/// </summary>
public sealed class ThresholdCalendar
{
    private readonly Dictionary<string, List<(Instant From, string Value)>> changes = new(StringComparer.Ordinal);

    /// <summary>Folds one recorded change; call in recording (sequence) order.</summary>
    public void Apply(DetectionThresholdChanged change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (!DetectionThresholds.TryFind(change.Threshold, out _))
        {
            throw new ArgumentException($"'{change.Threshold}' is not a detection threshold", nameof(change));
        }
        if (!changes.TryGetValue(change.Threshold, out var list))
        {
            changes[change.Threshold] = list = [];
        }
        // Stable insertion by effective instant: equal instants keep recording order, so the later record wins.
        var at = list.FindLastIndex(c => c.From <= change.EffectiveFrom) + 1;
        list.Insert(at, (change.EffectiveFrom, change.Value));
    }

    public string TextAt(string threshold, Instant at)
    {
        if (!DetectionThresholds.TryFind(threshold, out var known))
        {
            throw new ArgumentException($"'{threshold}' is not a detection threshold", nameof(threshold));
        }
        if (changes.TryGetValue(threshold, out var list))
        {
            var last = list.FindLastIndex(c => c.From <= at);
            if (last >= 0) return list[last].Value;
        }
        return known.Default;
    }

    public decimal NumberAt(string threshold, Instant at) =>
        decimal.Parse(TextAt(threshold, at), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);

    public IReadOnlySet<string> CountriesAt(string threshold, Instant at) =>
        TextAt(threshold, at).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);

    /// <summary>The instants at which any threshold's value changes, so a window rule can split its windows there.</summary>
    public IEnumerable<Instant> ChangeInstants => changes.Values.SelectMany(l => l.Select(c => c.From)).Distinct().Order();
}
