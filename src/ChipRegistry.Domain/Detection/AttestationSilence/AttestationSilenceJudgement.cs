using ChipRegistry.Domain.Detection.CustodyGap;
using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Detection.Thresholds;
using NodaTime;

namespace ChipRegistry.Domain.Detection.AttestationSilence;

/// <summary>
/// Rule 12, attestation silence (docs/detection.md): a facility's chips that fell silent on one day and stayed
/// silent past their deadline. Pure: the projection hands it the group's stretches, the thresholds, the latest tick and
/// the flag the group already has.
/// </summary>
public static class AttestationSilenceJudgement
{
    public const int Rule = 12;

    /// <summary>From this many silent chips the flag is raised to medium (the bulk scale of rules 1, 8 and 9).</summary>
    public const int BulkChips = 256;

    /// <summary>A stretch's deadline: its start plus the threshold in force then.</summary>
    public static (Instant Due, decimal Days) Deadline(Instant startedAt, ThresholdCalendar thresholds)
    {
        ArgumentNullException.ThrowIfNull(thresholds);
        var days = thresholds.NumberAt(DetectionThresholds.AttestationSilenceDays, startedAt);
        return (startedAt + Duration.FromSeconds((long)decimal.Round(days * 86_400m)), days);
    }

    /// <summary>
    /// The group's flag after this judgement, or null when it has none. A flag opens only when <paramref name="mayOpen"/>
    /// (at a clock tick) and the latest tick has reached a silent chip's deadline; it opens at the earliest such deadline.
    /// An existing flag follows the evidence at any time: it closes when every silent chip was attested or uninstalled
    /// (at the latest of those), and is withdrawn when the evidence now shows none stayed silent past its deadline.
    /// </summary>
    public static Flag? Judge(IReadOnlyList<SilentStretch> group, ThresholdCalendar thresholds, Instant? latestTick, Flag? existing, bool mayOpen)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(thresholds);
        var late = group.Select(s => (Stretch: s, Deadline: Deadline(s.StartedAt, thresholds)))
            .Where(s => s.Stretch.EndedAt is { } ended ? ended > s.Deadline.Due : latestTick is { } now && now >= s.Deadline.Due)
            .OrderBy(s => s.Stretch.StartSeqId).ToList();
        if (late.Count == 0)
        {
            if (existing is null) return null;
            return existing with
            {
                Withdrawn = true,
                Explanation = $"withdrawn: the chips at {existing.Subject.Id} were attested or uninstalled by their deadline, reported after it passed",
            };
        }
        if (existing is null && !(mayOpen && latestTick is { } tick && late.Any(s => tick >= s.Deadline.Due))) return null;

        var first = late[0].Stretch;
        var subject = new FlagSubject(FlagSubjectKinds.Facility, first.FacilityId);
        var openedAt = late.Min(s => s.Deadline.Due);
        var closedAt = late.All(s => s.Stretch.EndedAt is not null) ? late.Max(s => s.Stretch.EndedAt) : null;
        var chips = late.Select(s => s.Stretch.ChipId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var explanation =
            $"{(chips.Count == 1 ? "1 chip" : $"{chips.Count} chips")} installed at {first.FacilityId} in {first.Country} had no location attestation "
            + $"for {Invariant.Number(late[0].Deadline.Days)} days after {Invariant.Day(late.Min(s => s.Stretch.StartedAt))}"
            + (closedAt is { } closed ? $"; the last was attested or uninstalled on {Invariant.Day(closed)}" : "");
        return new Flag(
            FlagIds.Of(Rule, subject, group.Min(s => s.StartSeqId)),
            Rule,
            chips.Count >= BulkChips ? FlagSeverities.Medium : FlagSeverities.Low,
            subject,
            first.Country,
            openedAt,
            closedAt,
            false,
            [.. late.Select(s => s.Stretch.StartSeqId).Concat(late.Where(s => s.Stretch.EndSeqId is not null).Select(s => s.Stretch.EndSeqId!.Value))
                .Distinct().Order()],
            chips,
            explanation);
    }
}
