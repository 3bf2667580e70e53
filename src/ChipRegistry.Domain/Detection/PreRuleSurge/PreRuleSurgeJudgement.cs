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
    /// One verdict per rule for the organisation's acquisitions (<paramref name="acquisitions"/>, all of one subject),
    /// judged as the projection judges them: from their counts per model and instant, with the window's acquisitions
    /// taken from the same list.
    /// </summary>
    public static IReadOnlyList<SurgeVerdict> Judge(
        string subjectId, IReadOnlyList<SurgeAcquisition> acquisitions, ThresholdCalendar thresholds, Instant? latestTick,
        IReadOnlyDictionary<string, Flag> existing, bool mayOpen)
    {
        ArgumentNullException.ThrowIfNull(acquisitions);
        ArgumentNullException.ThrowIfNull(existing);
        var counts = acquisitions.GroupBy(a => (a.ModelId, a.At))
            .Select(g => new AcquisitionCount(g.Key.ModelId, g.Key.At, g.Count(a => !a.Voided), g.Min(a => a.SeqId))).ToList();
        return [.. Find(subjectId, counts, thresholds).Select(f =>
        {
            var had = existing.GetValueOrDefault(f.GroupKey);
            var window = NeedsWindow(f, latestTick, had, mayOpen)
                ? acquisitions.Where(a => !a.Voided && Affects(f.Rule, a.ModelId) && a.At > f.Surge!.WindowStart && a.At <= f.Surge.At).ToList()
                : [];
            return Verdict(subjectId, f, latestTick, had, mayOpen, window);
        })];
    }

    /// <summary>
    /// For each rule, from the organisation's acquisitions counted per model and instant (<paramref name="counts"/>):
    /// the group's first evidence (the lowest sequence number of its acquisitions, voided ones included; null when it
    /// has none) and the first surge before the rule took effect (null when none).
    /// </summary>
    public static IReadOnlyList<SurgeFinding> Find(string subjectId, IReadOnlyList<AcquisitionCount> counts, ThresholdCalendar thresholds)
    {
        ArgumentNullException.ThrowIfNull(counts);
        ArgumentNullException.ThrowIfNull(thresholds);
        var findings = new List<SurgeFinding>();
        foreach (var rule in Rules)
        {
            var effective = EffectiveAt(rule);
            var group = counts.Where(c => c.At < effective && Affects(rule, c.ModelId)).ToList();
            if (group.Count == 0)
            {
                findings.Add(new SurgeFinding(rule, GroupKey(subjectId, rule), null, null));
                continue;
            }
            findings.Add(new SurgeFinding(rule, GroupKey(subjectId, rule), group.Min(c => c.FirstSeqId), FirstSurge(group, rule, thresholds)));
        }
        return findings;
    }

    /// <summary>Whether the finding's verdict is a flag built on its window: a surge a tick has reached, an existing flag or one a tick may open.</summary>
    public static bool NeedsWindow(SurgeFinding finding, Instant? latestTick, Flag? had, bool mayOpen)
    {
        ArgumentNullException.ThrowIfNull(finding);
        return finding.FirstSeqId is not null && finding.Surge is { } surge && latestTick is { } tick && surge.At <= tick && (had is not null || mayOpen);
    }

    /// <summary>
    /// The verdict for one rule: a flag opens only at a tick (<paramref name="mayOpen"/>) at or after the first instant the
    /// test holds, and opens at that instant; it closes at the rule's effective date once a tick reaches it; an existing
    /// flag whose test no longer holds by the latest tick (a void) is withdrawn. <paramref name="window"/>: the standing
    /// acquisitions of the surge's window, when <see cref="NeedsWindow"/> says the verdict needs them.
    /// </summary>
    public static SurgeVerdict Verdict(
        string subjectId, SurgeFinding finding, Instant? latestTick, Flag? had, bool mayOpen, IReadOnlyList<SurgeAcquisition> window)
    {
        ArgumentNullException.ThrowIfNull(finding);
        ArgumentNullException.ThrowIfNull(window);
        var (rule, key) = (finding.Rule, finding.GroupKey);
        var effective = EffectiveAt(rule);
        if (finding.FirstSeqId is not { } first)
        {
            return new SurgeVerdict(key, had is null ? null : had with { Withdrawn = true }, null);
        }
        var surge = finding.Surge;
        var subject = new FlagSubject(FlagSubjectKinds.Organisation, subjectId);
        var id = FlagIds.Of(Rule, subject, first, rule.Id);
        if (!NeedsWindow(finding, latestTick, had, mayOpen))
        {
            var reached = surge is not null && latestTick is { } tick && surge.At <= tick;
            var withdrawn = had is null || reached ? null : had with
            {
                Id = id,
                Withdrawn = true,
                Explanation = $"withdrawn: the acquisitions of {subjectId} now show no surge before {rule.Id} took effect on {Day(rule.EffectiveFrom)}",
            };
            return new SurgeVerdict(key, withdrawn, surge?.At);
        }
        var found = surge!;
        var closed = latestTick >= effective ? effective : (Instant?)null;
        var severity = found.Ratio >= 10 ? FlagSeverities.High : FlagSeverities.Medium;
        var explanation =
            $"{found.WindowCount} chips acquired by {subjectId} in the {Invariant.Number(found.WindowDays)} days to {Invariant.Day(found.At)} "
            + $"({Invariant.Number(found.Rate)} a month), {Invariant.Number(found.Ratio)} times its monthly mean of {Invariant.Number(found.Mean)} "
            + $"over the {Invariant.Number(found.HistoryMonths)} months before, {(effective - found.At).Days} days before {rule.Id} ({rule.Citation}) "
            + $"took effect on {Day(rule.EffectiveFrom)}";
        var flag = new Flag(id, Rule, severity, subject, null, found.At, closed, false,
            [.. window.Select(a => a.SeqId).Order()],
            [.. window.Select(a => a.ChipId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
            explanation);
        return new SurgeVerdict(key, flag, closed is null ? effective : null);
    }

    /// <summary>The first instant the window meets the test before the rule's effective date, with its numbers; null when none.</summary>
    public static Surge? FirstSurge(IReadOnlyList<AcquisitionCount> group, ExportRule rule, ThresholdCalendar thresholds)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(thresholds);
        var live = group.Where(c => c.Live > 0).OrderBy(c => c.At).ToList();
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
        // One entry per instant (a model's counts at one instant add up), with the running total through it.
        var instants = live.GroupBy(c => c.At).Select(g => (At: g.Key, Live: g.Sum(c => c.Live))).ToList();
        var times = instants.Select(i => i.At).ToArray();
        var through = new long[instants.Count];
        var total = 0L;
        for (var i = 0; i < instants.Count; i++) through[i] = total += instants[i].Live;
        var earliest = effective - Duration.FromDays((double)leads.Max());
        if (earliest >= effective) return null;
        foreach (var t in candidates.GetViewBetween(earliest, effective))
        {
            if (t == effective) break;
            if (At(times, through, t, effective, thresholds) is { } surge) return surge;
        }
        return null;
    }

    /// <summary>The test at instant <paramref name="t"/>, with the thresholds in force then (<paramref name="times"/>: the acquisitions' instants, ascending; <paramref name="through"/>: how many stand through each).</summary>
    private static Surge? At(Instant[] times, long[] through, Instant t, Instant effective, ThresholdCalendar thresholds)
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
        var throughWindowStart = CountThrough(times, through, windowStart);
        var window = CountThrough(times, through, t) - throughWindowStart;
        var history = throughWindowStart - CountThrough(times, through, historyStart);
        if (history == 0 || window == 0) return null;
        var rate = window * DaysPerMonth / windowDays;
        var mean = history / historyMonths;
        var ratio = rate / mean;
        return ratio >= multiple ? new Surge(t, windowStart, window, windowDays, historyMonths, rate, mean, ratio) : null;
    }

    /// <summary>How many acquisitions stand at or before <paramref name="at"/> (<paramref name="times"/> ascending, <paramref name="through"/> their running totals).</summary>
    private static long CountThrough(Instant[] times, long[] through, Instant at)
    {
        int low = 0, high = times.Length;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (times[middle] <= at) low = middle + 1;
            else high = middle;
        }
        return low == 0 ? 0 : through[low - 1];
    }

    private static List<decimal> ValuesOf(string threshold, ThresholdCalendar thresholds, IReadOnlyList<Instant> changes) =>
        [.. changes.Select(c => thresholds.NumberAt(threshold, c)).Append(thresholds.NumberAt(threshold, Instant.MinValue)).Distinct()];

    private static string Day(LocalDate date) => LocalDatePattern.Iso.Format(date);
}

/// <summary>The window (<see cref="WindowStart"/>, <see cref="At"/>] that met rule 7's test: how many acquisitions it holds, and the numbers its sentence gives.</summary>
public sealed record Surge(
    Instant At, Instant WindowStart, long WindowCount, decimal WindowDays, decimal HistoryMonths, decimal Rate, decimal Mean, decimal Ratio);

/// <summary>One rule's finding for one organisation (<see cref="PreRuleSurgeJudgement.Find"/>).</summary>
public sealed record SurgeFinding(ExportRule Rule, string GroupKey, long? FirstSeqId, Surge? Surge);

/// <summary>
/// An organisation's acquisitions of one model at one instant (a lot fabricated, a batch of sales accepted): how many
/// stand (not voided), and the lowest sequence number among all of them, voided ones included (a flag's first evidence).
/// </summary>
public sealed record AcquisitionCount(string ModelId, Instant At, long Live, long FirstSeqId);
