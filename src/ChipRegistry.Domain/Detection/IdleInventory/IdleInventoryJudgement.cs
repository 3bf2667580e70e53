using ChipRegistry.Domain.Detection.CustodyGap;
using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Detection.Thresholds;
using NodaTime;

namespace ChipRegistry.Domain.Detection.IdleInventory;

/// <summary>
/// Rule 8, idle inventory (docs/detection.md). Pure: the organisation's idle intervals, the thresholds and the latest
/// tick in, its flag and the instant it next falls due out. A chip counts as idle at t from its delivery plus
/// <c>idle_days</c> (in force at the delivery) until it leaves idleness; the organisation is stockpiling while at least
/// <c>idle_min_chips</c> (in force at t) count.
/// </summary>
public static class IdleInventoryJudgement
{
    public const int Rule = 8;

    public static Instant DueOf(IdleInterval interval, ThresholdCalendar thresholds)
    {
        ArgumentNullException.ThrowIfNull(interval);
        ArgumentNullException.ThrowIfNull(thresholds);
        var days = thresholds.NumberAt(DetectionThresholds.IdleDays, interval.DeliveredAt);
        return interval.DeliveredAt + Duration.FromSeconds((long)decimal.Round(days * 86_400m));
    }

    /// <summary>Every spell of idle stock at or above the minimum the live intervals make, whether or not a tick has reached it.</summary>
    public static IReadOnlyList<StandingCount.Spell<IdleInterval>> Spells(IReadOnlyList<IdleInterval> live, ThresholdCalendar thresholds)
    {
        ArgumentNullException.ThrowIfNull(thresholds);
        return StandingCount.Spells(live, i => DueOf(i, thresholds), i => i.IdleUntil,
            at => thresholds.NumberAt(DetectionThresholds.IdleMinChips, at), thresholds.ChangeInstants);
    }

    /// <summary>
    /// The group's flag after this judgement (null: none) and when the group is next due (null: never, unless new
    /// facts come). A flag opens only when <paramref name="mayOpen"/> (at a tick) at a spell a tick has reached; it
    /// covers the spells from its first to the latest one reached, closing when the latest ends; it is withdrawn when
    /// later evidence shows no spell was reached.
    /// </summary>
    public static (Flag? Flag, Instant? Due) Judge(
        IReadOnlyList<IdleInterval> group, ThresholdCalendar thresholds, Instant? latestTick, Flag? existing, bool mayOpen)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(thresholds);
        if (VoidableEvidence<IdleInterval>.Of(group) is not { } evidence) return (existing is null ? null : existing with { Withdrawn = true }, null);
        var first = evidence.First;
        var subject = new FlagSubject(FlagSubjectKinds.Organisation, first.OrganisationId);
        var spells = Spells(evidence.Live, thresholds);
        var reached = latestTick is { } now ? spells.Where(s => s.From <= now).ToList() : [];
        var opens = reached.Count > 0 && (existing is not null || mayOpen);
        var due = spells.Select(s => (Instant?)s.From).FirstOrDefault(from => !opens || from > latestTick);

        if (!opens)
        {
            if (existing is null) return (null, due);
            return (existing with
            {
                Withdrawn = true,
                ClosedAt = null,
                Evidence = [.. evidence.Behind.Select(i => i.SeqId).Order()],
                Chips = evidence.Chips,
                Explanation = $"withdrawn: the chips delivered to {first.OrganisationId} were installed or moved before enough of them had been idle for long",
            }, due);
        }
        var opening = reached[0];
        var latest = reached[^1];
        var counted = opening.CountedAtStart.OrderBy(i => i.SeqId).ToList();
        var days = thresholds.NumberAt(DetectionThresholds.IdleDays, counted[0].DeliveredAt);
        var explanation =
            $"{counted.Count} chips delivered to {first.OrganisationId} from {Invariant.Day(counted.Min(i => i.DeliveredAt))} to "
            + $"{Invariant.Day(counted.Max(i => i.DeliveredAt))} were not installed for {Invariant.Number(days)} days by {Invariant.Day(opening.From)} "
            + $"(minimum {Invariant.Number(opening.Minimum)})"
            + (latest.Until is { } until ? $"; fewer than {Invariant.Number(latest.Minimum)} stayed idle from {Invariant.Day(until)}" : "");
        var severity = reached.Any(s => s.Peak >= 10 * s.Minimum) ? FlagSeverities.High : FlagSeverities.Medium;
        return (new Flag(
            FlagIds.Of(Rule, subject, first.SeqId),
            Rule,
            severity,
            subject,
            null,
            opening.From,
            latest.Until,
            false,
            [.. counted.Select(i => i.SeqId)],
            [.. counted.Select(i => i.ChipId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
            explanation), due);
    }
}
