using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Detection.CustodyGap;
using ChipRegistry.Domain.Detection.Flags;
using NodaTime;
using NodaTime.Text;

namespace ChipRegistry.Domain.Detection.LateReport;

/// <summary>
/// A shipment or receipt that rule 17 found late or backdated, as it was judged when recorded: the recorded instant
/// (the latest tick at or before it), the days between, the threshold in force then, and the licence answer's verdict
/// on the stated date and on the recorded date (null for a receipt, which has no licence answer of its own). Kept
/// voided once voided, so the group's first evidence never moves.
/// </summary>
public sealed record LateReportFact(
    Guid EventId, string ChipId, long SeqId, string Kind, string RecorderId, string Country, Instant BusinessAt, Instant RecordedAt,
    decimal ThresholdDays, string? VerdictOnStatedDate, string? VerdictOnRecordedDate, bool Voided) : IVoidableFact
{
    public const string Shipment = "shipment";
    public const string Receipt = "receipt";

    /// <summary>One recording act: same recorder, kind, country, business instant and recorded instant.</summary>
    public string GroupKey => string.Join('|', RecorderId, Kind, Country, InstantPattern.ExtendedIso.Format(BusinessAt),
        InstantPattern.ExtendedIso.Format(RecordedAt));

    public decimal DaysLate => (decimal)(RecordedAt - BusinessAt).TotalDays;

    public bool Late => DaysLate > ThresholdDays;

    public bool LicenceAnswerDiffers => VerdictOnStatedDate != VerdictOnRecordedDate;
}

/// <summary>Rule 17, late or backdated report (docs/detection.md). Pure: the group's facts in, its flag out.</summary>
public static class LateReportJudgement
{
    public const int Rule = 17;

    /// <summary>
    /// The act's flag, opened at its recorded instant; withdrawn once every event of the act is voided (kept, even when
    /// the void arrives with the event). <paramref name="existing"/> matters only for an act that lost all its rows.
    /// </summary>
    public static Flag? Judge(IReadOnlyList<LateReportFact> group, Flag? existing)
    {
        if (VoidableEvidence<LateReportFact>.Of(group) is not { } evidence) return existing is null ? null : existing with { Withdrawn = true };
        var (first, live, behind) = evidence;
        var subject = new FlagSubject(FlagSubjectKinds.Organisation, first.RecorderId);
        var severity = behind.Any(f => f.LicenceAnswerDiffers) ? FlagSeverities.High : FlagSeverities.Medium;
        var verb = first.Kind == LateReportFact.Shipment ? $"shipped by {first.RecorderId} to {first.Country}" : $"received by {first.RecorderId} in {first.Country}";
        var explanation = live.Count == 0
            ? $"withdrawn: the {first.Kind} {verb} on {Invariant.Day(first.BusinessAt)} was voided"
            : $"{live.Count} {(live.Count == 1 ? "chip" : "chips")} {verb} on {Invariant.Day(first.BusinessAt)} {(live.Count == 1 ? "was" : "were")} recorded on "
              + $"{Invariant.Day(first.RecordedAt)}, {Invariant.Number(decimal.Round(first.DaysLate, 1))} days later"
              + (first.Late ? $" (more than {Invariant.Number(first.ThresholdDays)})" : "")
              + (live.FirstOrDefault(f => f.LicenceAnswerDiffers) is { } differs
                  ? $"; the licence answer was {differs.VerdictOnStatedDate} on the stated date and {differs.VerdictOnRecordedDate} on the recorded date"
                  : "");
        return new Flag(
            FlagIds.Of(Rule, subject, first.SeqId),
            Rule,
            severity,
            subject,
            first.Country,
            first.RecordedAt,
            null,
            evidence.Withdrawn,
            [.. behind.Select(f => f.SeqId)],
            evidence.Chips,
            explanation);
    }
}
