using ChipRegistry.Domain.Detection.CustodyGap;
using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Detection.Thresholds;
using ChipRegistry.Domain.Policy;
using NodaTime;
using NodaTime.Text;

namespace ChipRegistry.Domain.Detection.PreRuleSurge;

/// <summary>What rule 7 finds for one organisation and one rule date: its flag (null: none) and the instant it next falls due (null: never).</summary>
public sealed record SurgeVerdict(string GroupKey, Flag? Flag, Instant? Due);

/// <summary>
/// Rule 7, pre-rule surge (docs/detection.md). Pure: an organisation's acquisitions in, one verdict per rule of the
/// calendar as shipped out. A month is 30 days here. At an instant t, the window is (t - <c>surge_window_days</c>, t]
/// and the trailing period the <c>surge_history_months</c> before the window; the window meets the test when its
/// acquisitions per month are at least <c>surge_multiple</c> times the trailing period's monthly mean, the trailing
/// period has acquisitions, the organisation's first acquisition is no later than the trailing period's start, and t
/// lies within <c>surge_lead_days</c> before the rule's effective date (the thresholds in force at t). Every count is a
/// step function of t that changes only at an acquisition, its exit from the window, its exit from the trailing
/// period or a threshold change, so the first instant the test holds is found among those instants, from the
/// acquisitions alone: time passing adds nothing, and the due index can wait for it.
/// </summary>
public static class PreRuleSurgeJudgement
{
    public const int Rule = 7;

    private const int DaysPerMonth = 30;

    /// <summary>The rules a surge can precede: ever in force (a rule never in force is ignored), from the calendar as shipped.</summary>
    public static IReadOnlyList<ExportRule> Rules { get; } = [.. RuleCalendar.All.Where(r => r.EverInForce)];

    public static string GroupKey(string subjectId, ExportRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return subjectId + "|" + rule.Id;
    }

    public static string SubjectOf(string groupKey)
    {
        ArgumentNullException.ThrowIfNull(groupKey);
        return groupKey[..groupKey.LastIndexOf('|')];
    }

    /// <summary>A rule affects a model when it names it, or names no model (it reaches models by class or destination).</summary>
    public static bool Affects(ExportRule rule, string modelId)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return rule.Models.Count == 0 || rule.Models.Contains(modelId, StringComparer.Ordinal);
    }

    public static Instant EffectiveAt(ExportRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return rule.EffectiveFrom.AtStartOfDayInZone(DateTimeZone.Utc).ToInstant();
    }

    /// <summary>
    /// One verdict per rule for the organisation's acquisitions (<paramref name="acquisitions"/>, all of one subject).
    /// A flag opens only at a tick (<paramref name="mayOpen"/>) at or after the first instant the test holds, and opens
    /// at that instant; it closes at the rule's effective date once a tick reaches it; an existing flag whose test no
    /// longer holds by the latest tick (a void) is withdrawn.
    /// </summary>
    public static IReadOnlyList<SurgeVerdict> Judge(
        string subjectId, IReadOnlyList<SurgeAcquisition> acquisitions, ThresholdCalendar thresholds, Instant? latestTick,
        IReadOnlyDictionary<string, Flag> existing, bool mayOpen)
    {
        ArgumentNullException.ThrowIfNull(acquisitions);
        ArgumentNullException.ThrowIfNull(thresholds);
        ArgumentNullException.ThrowIfNull(existing);
        var verdicts = new List<SurgeVerdict>();
        foreach (var rule in Rules)
        {
            var key = GroupKey(subjectId, rule);
            var effective = EffectiveAt(rule);
            var group = acquisitions.Where(a => a.At < effective && Affects(rule, a.ModelId)).ToList();
            var had = existing.GetValueOrDefault(key);
            if (VoidableEvidence<SurgeAcquisition>.Of(group) is not { } evidence)
            {
                if (had is not null) verdicts.Add(new SurgeVerdict(key, had with { Withdrawn = true }, null));
                continue;
            }
            var surge = FirstSurge(evidence.Live, rule, thresholds);
            var subject = new FlagSubject(FlagSubjectKinds.Organisation, subjectId);
            var id = FlagIds.Of(Rule, subject, evidence.First.SeqId);
            var reached = surge is not null && latestTick is { } tick && surge.At <= tick;
            if (!reached)
            {
                var withdrawn = had is null ? null : had with
                {
                    Id = id,
                    Withdrawn = true,
                    Explanation = $"withdrawn: the acquisitions of {subjectId} now show no surge before {rule.Id} took effect on {Day(rule.EffectiveFrom)}",
                };
                verdicts.Add(new SurgeVerdict(key, withdrawn, surge?.At));
                continue;
            }
            if (had is null && !mayOpen)
            {
                verdicts.Add(new SurgeVerdict(key, null, surge!.At));
                continue;
            }
            var found = surge!;
            var closed = latestTick >= effective ? effective : (Instant?)null;
            var severity = found.Ratio >= 10 ? FlagSeverities.High : FlagSeverities.Medium;
            var explanation =
                $"{found.Window.Count} chips acquired by {subjectId} in the {Invariant.Number(found.WindowDays)} days to {Invariant.Day(found.At)} "
                + $"({Invariant.Number(found.Rate)} a month), {Invariant.Number(found.Ratio)} times its monthly mean of {Invariant.Number(found.Mean)} "
                + $"over the {Invariant.Number(found.HistoryMonths)} months before, {(effective - found.At).Days} days before {rule.Id} ({rule.Citation}) "
                + $"took effect on {Day(rule.EffectiveFrom)}";
            var flag = new Flag(id, Rule, severity, subject, null, found.At, closed, false,
                [.. found.Window.Select(a => a.SeqId).Order()],
                [.. found.Window.Select(a => a.ChipId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
                explanation);
            verdicts.Add(new SurgeVerdict(key, flag, closed is null ? effective : null));
        }
        return verdicts;
    }

    /// <summary>The first instant the window meets the test before the rule's effective date, with its numbers; null when none.</summary>
    public static Surge? FirstSurge(IReadOnlyList<SurgeAcquisition> live, ExportRule rule, ThresholdCalendar thresholds)
    {
        ArgumentNullException.ThrowIfNull(live);
        ArgumentNullException.ThrowIfNull(thresholds);
        if (live.Count == 0) return null;
        var effective = EffectiveAt(rule);
        var changes = thresholds.ChangeInstants.ToList();
        var windows = ValuesOf(DetectionThresholds.SurgeWindowDays, thresholds, changes);
        var histories = ValuesOf(DetectionThresholds.SurgeHistoryMonths, thresholds, changes);
        var leads = ValuesOf(DetectionThresholds.SurgeLeadDays, thresholds, changes);
        var candidates = new SortedSet<Instant>(changes);
        foreach (var lead in leads) candidates.Add(effective - Duration.FromDays((double)lead));
        foreach (var a in live)
        {
            candidates.Add(a.At);
            foreach (var w in windows)
            {
                candidates.Add(a.At + Duration.FromDays((double)w));
                foreach (var h in histories) candidates.Add(a.At + Duration.FromDays((double)(w + h * DaysPerMonth)));
            }
        }
        var ordered = live.OrderBy(a => a.At).ThenBy(a => a.SeqId).ToList();
        var times = ordered.Select(a => a.At).ToArray();
        var earliest = effective - Duration.FromDays((double)leads.Max());
        if (earliest >= effective) return null;
        foreach (var t in candidates.GetViewBetween(earliest, effective))
        {
            if (t == effective) break;
            if (At(ordered, times, t, effective, thresholds) is { } surge) return surge;
        }
        return null;
    }

    /// <summary>The test at instant <paramref name="t"/>, with the thresholds in force then (<paramref name="times"/>: the acquisitions' instants, ascending).</summary>
    private static Surge? At(List<SurgeAcquisition> ordered, Instant[] times, Instant t, Instant effective, ThresholdCalendar thresholds)
    {
        var lead = thresholds.NumberAt(DetectionThresholds.SurgeLeadDays, t);
        if (t < effective - Duration.FromDays((double)lead)) return null;
        var windowDays = thresholds.NumberAt(DetectionThresholds.SurgeWindowDays, t);
        var historyMonths = thresholds.NumberAt(DetectionThresholds.SurgeHistoryMonths, t);
        var multiple = thresholds.NumberAt(DetectionThresholds.SurgeMultiple, t);
        if (windowDays <= 0 || historyMonths <= 0) return null;
        var windowStart = t - Duration.FromDays((double)windowDays);
        var historyStart = windowStart - Duration.FromDays((double)(historyMonths * DaysPerMonth));
        if (times[0] > historyStart) return null;
        var throughWindowStart = CountThrough(times, windowStart);
        var window = CountThrough(times, t) - throughWindowStart;
        var history = throughWindowStart - CountThrough(times, historyStart);
        if (history == 0 || window == 0) return null;
        var rate = window * DaysPerMonth / windowDays;
        var mean = history / historyMonths;
        var ratio = rate / mean;
        return ratio >= multiple
            ? new Surge(t, ordered.GetRange(throughWindowStart, window), windowDays, historyMonths, rate, mean, ratio)
            : null;
    }

    /// <summary>How many of the ascending <paramref name="times"/> are at or before <paramref name="at"/>.</summary>
    private static int CountThrough(Instant[] times, Instant at)
    {
        int low = 0, high = times.Length;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (times[middle] <= at) low = middle + 1;
            else high = middle;
        }
        return low;
    }

    private static List<decimal> ValuesOf(string threshold, ThresholdCalendar thresholds, IReadOnlyList<Instant> changes) =>
        [.. changes.Select(c => thresholds.NumberAt(threshold, c)).Append(thresholds.NumberAt(threshold, Instant.MinValue)).Distinct()];

    private static string Day(LocalDate date) => LocalDatePattern.Iso.Format(date);
}

/// <summary>The window that met rule 7's test at <see cref="At"/>: its acquisitions, and the numbers its sentence gives.</summary>
public sealed record Surge(
    Instant At, IReadOnlyList<SurgeAcquisition> Window, decimal WindowDays, decimal HistoryMonths, decimal Rate, decimal Mean, decimal Ratio);
