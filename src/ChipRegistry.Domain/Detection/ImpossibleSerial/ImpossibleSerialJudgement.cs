using ChipRegistry.Domain.Detection.CustodyGap;
using ChipRegistry.Domain.Detection.Flags;
using NodaTime.Text;

namespace ChipRegistry.Domain.Detection.ImpossibleSerial;

/// <summary>Rule 11, duplicate or impossible serial (docs/detection.md). Pure: the chip's conflicts in, its flag out.</summary>
public static class ImpossibleSerialJudgement
{
    public const int Rule = 11;

    /// <summary>
    /// The chip's flag, opened at the earliest conflicting report's business time; never closes
    /// (a fact); withdrawn once every conflicting report (or the event each conflicts with) is voided.
    /// </summary>
    public static Flag? Judge(IReadOnlyList<SerialConflict> group, Flag? existing)
    {
        if (VoidableEvidence<SerialConflict>.Of(group) is not { } evidence) return existing is null ? null : existing with { Withdrawn = true };
        var (first, live, behind) = evidence;
        var subject = new FlagSubject(FlagSubjectKinds.Chip, first.ChipId);
        var shown = live.Count > 0 ? live.MinBy(c => c.At)! : first;
        var more = live.Count > 1 ? $" ({live.Count} conflicting reports in all)" : "";
        var explanation = live.Count == 0
            ? $"withdrawn: the {first.Report} of chip {first.ChipId} reported by {first.RecorderId} on {Invariant.Day(first.At)} was voided"
            : shown.Kind switch
            {
                SerialConflict.Concurrent =>
                    $"chip {shown.ChipId} was reported ({shown.Report}, by {shown.RecorderId}) at {shown.FacilityId} on {Invariant.Day(shown.At)} "
                    + $"while installed at {shown.OtherFacilityId} since {Invariant.Day(shown.OtherAt)}{more}",
                SerialConflict.Speed =>
                    $"chip {shown.ChipId} was placed at {shown.OtherFacilityId} at {Time(shown.OtherAt)} and at {shown.FacilityId} at {Time(shown.At)}, "
                    + $"{Invariant.Number(decimal.Round(shown.DistanceKm ?? 0))} km apart: "
                    + (shown.SpeedKmh is { } speed ? $"{Invariant.Number(decimal.Round(speed))} km/h" : "no time between")
                    + $", above {Invariant.Number(shown.MaxSpeedKmh ?? 0)} km/h{more}",
                _ => $"chip {shown.ChipId} was destroyed on {Invariant.Day(shown.OtherAt)} and reported ({shown.Report}, by {shown.RecorderId}) "
                    + $"on {Invariant.Day(shown.At)}{more}",
            };
        return new Flag(
            FlagIds.Of(Rule, subject, first.SeqId),
            Rule,
            FlagSeverities.High,
            subject,
            null,
            behind.Min(c => c.At),
            null,
            evidence.Withdrawn,
            [.. behind.SelectMany(c => new[] { c.OtherSeqId, c.SeqId }).Distinct().Order()],
            evidence.Chips,
            explanation);
    }

    private static string Time(NodaTime.Instant at) => InstantPattern.General.Format(at);
}
