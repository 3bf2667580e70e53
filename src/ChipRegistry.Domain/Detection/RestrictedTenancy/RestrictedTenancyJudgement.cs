using ChipRegistry.Domain.Detection.CustodyGap;
using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Detection.Thresholds;
using NodaTime;

namespace ChipRegistry.Domain.Detection.RestrictedTenancy;

/// <summary>
/// Rule 13, restricted-parent cloud tenancy (docs/detection.md). Pure: a cluster's tenancies by one restricted tenant,
/// the thresholds and the latest tick in; its flag and when it next falls due out. A chip counts at t from its
/// assignment plus <c>tenancy_min_days</c> (in force at the assignment) until the assignment ends; the flag stands
/// while at least <c>tenancy_min_chips</c> (in force at t) count.
/// </summary>
public static class RestrictedTenancyJudgement
{
    public const int Rule = 13;

    public static Instant DueOf(RestrictedTenancy tenancy, ThresholdCalendar thresholds)
    {
        ArgumentNullException.ThrowIfNull(tenancy);
        ArgumentNullException.ThrowIfNull(thresholds);
        var days = thresholds.NumberAt(DetectionThresholds.TenancyMinDays, tenancy.From);
        return tenancy.From + Duration.FromSeconds((long)decimal.Round(days * 86_400m));
    }

    /// <summary>
    /// The group's flag (null: none) and when it is next due (null: not until new facts). A flag opens only when
    /// <paramref name="mayOpen"/> (at a tick) at a spell a tick has reached, at the spell's start (the deadline); it
    /// covers the spells from its first to the latest one reached and closes when the latest ends; it is withdrawn when
    /// later evidence shows no spell was reached.
    /// </summary>
    public static (Flag? Flag, Instant? Due) Judge(
        IReadOnlyList<RestrictedTenancy> group, ThresholdCalendar thresholds, Instant? latestTick, Flag? existing, bool mayOpen)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(thresholds);
        if (VoidableEvidence<RestrictedTenancy>.Of(group) is not { } evidence) return (existing is null ? null : existing with { Withdrawn = true }, null);
        var first = evidence.First;
        var subject = new FlagSubject(FlagSubjectKinds.Cluster, $"{first.FacilityId}/{first.ClusterId}");
        var spells = StandingCount.Spells(evidence.Withdrawn ? [] : evidence.Live, t => DueOf(t, thresholds), t => t.Until,
            at => thresholds.NumberAt(DetectionThresholds.TenancyMinChips, at), thresholds.ChangeInstants);
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
                Evidence = [.. evidence.Behind.Select(t => t.SeqId).Order()],
                Chips = evidence.Chips,
                Explanation = $"withdrawn: the assignments of cluster {first.ClusterId} at {first.FacilityId} to {first.TenantId} did not stand long enough, "
                    + "or were voided",
            }, due);
        }
        var opening = reached[0];
        var latest = reached[^1];
        var counted = opening.CountedAtStart.OrderBy(t => t.SeqId).ToList();
        var days = thresholds.NumberAt(DetectionThresholds.TenancyMinDays, counted[0].From);
        var parent = first.ParentId == first.TenantId ? $"headquartered in {first.ParentCountry}" : $"whose ultimate parent {first.ParentId} is headquartered in {first.ParentCountry}";
        var explanation =
            $"{counted.Count} chips of cluster {first.ClusterId} at {first.FacilityId} in {first.Country} were assigned to {first.TenantId}, {parent}, "
            + $"for {Invariant.Number(days)} days by {Invariant.Day(opening.From)} (from {Invariant.Day(counted.Min(t => t.From))}; minimum "
            + $"{Invariant.Number(opening.Minimum)})"
            + (latest.Until is { } until ? $"; fewer than {Invariant.Number(latest.Minimum)} stayed assigned from {Invariant.Day(until)}" : "");
        return (new Flag(
            FlagIds.Of(Rule, subject, first.SeqId),
            Rule,
            FlagSeverities.High,
            subject,
            first.Country,
            opening.From,
            latest.Until,
            false,
            [.. counted.Select(t => t.SeqId)],
            [.. counted.Select(t => t.ChipId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
            explanation), due);
    }
}
