using ChipRegistry.Domain.Detection.CustodyGap;
using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Detection.Thresholds;

namespace ChipRegistry.Domain.Detection.ConcentrationThreshold;

/// <summary>
/// Rule 14, concentration threshold (docs/detection.md). Pure: one aggregate's facts and the thresholds in, its flag
/// out. The flag opens at the act whose addition brings the standing total to the leg's threshold (in force then) and
/// closes at the act that takes it back under; withdrawn when voids show it never got there.
/// </summary>
public static class ConcentrationThresholdJudgement
{
    public const int Rule = 14;

    public static string ThresholdOf(string leg) => leg switch
    {
        ConcentrationFact.TierTwoCountry => DetectionThresholds.Tier2CountryTpp,
        ConcentrationFact.Customer => DetectionThresholds.CustomerH100ePerYear,
        _ => DetectionThresholds.SiteH100e,
    };

    public static Flag? Judge(IReadOnlyList<ConcentrationFact> group, ThresholdCalendar thresholds, Flag? existing)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(thresholds);
        if (VoidableEvidence<ConcentrationFact>.Of(group) is not { } evidence) return existing is null ? null : existing with { Withdrawn = true };
        var first = evidence.First;
        var threshold = ThresholdOf(first.Leg);
        var subject = new FlagSubject(first.Leg switch
        {
            ConcentrationFact.Facility => FlagSubjectKinds.Facility,
            ConcentrationFact.TierTwoCountry => FlagSubjectKinds.Country,
            _ => FlagSubjectKinds.Organisation,
        }, first.SubjectId);
        var spells = StandingCount.Spells(evidence.Withdrawn ? [] : evidence.Live, f => f.From, f => f.Until, at => thresholds.NumberAt(threshold, at),
            thresholds.ChangeInstants, f => f.Weight);
        if (spells.Count == 0)
        {
            if (existing is null) return null;
            return existing with
            {
                Withdrawn = true,
                ClosedAt = null,
                Evidence = [.. evidence.Behind.Select(f => f.SeqId).Order()],
                Chips = evidence.Chips,
                Explanation = $"withdrawn: voids leave the {Describe(first)} under {Invariant.Number(thresholds.NumberAt(threshold, existing.OpenedAt))}",
            };
        }
        var opening = spells[0];
        var latest = spells[^1];
        var counted = opening.CountedAtStart.OrderBy(f => f.SeqId).ToList();
        var unit = first.Leg == ConcentrationFact.TierTwoCountry ? "TPP" : "H100e";
        var explanation =
            $"{Invariant.Number(decimal.Round(opening.TotalAtStart, 2))} {unit} {Describe(first)} on {Invariant.Day(opening.From)} "
            + $"(threshold {Invariant.Number(opening.Minimum)})"
            + (latest.Until is { } until ? $"; back under from {Invariant.Day(until)}" : "");
        return new Flag(
            FlagIds.Of(Rule, subject, first.SeqId),
            Rule,
            FlagSeverities.Low,
            subject,
            first.Country,
            opening.From,
            latest.Until,
            false,
            [.. counted.Select(f => f.SeqId)],
            [.. counted.Select(f => f.ChipId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
            explanation);
    }

    private static string Describe(ConcentrationFact fact) => fact.Leg switch
    {
        ConcentrationFact.Facility => $"installed at the facility {fact.SubjectId} in {fact.Country}",
        ConcentrationFact.Operator => $"installed by the operator {fact.SubjectId}",
        ConcentrationFact.UltimateParent => $"installed under the ultimate parent {fact.SubjectId}",
        ConcentrationFact.TierTwoCountry => $"installed in the Tier-2 country {fact.SubjectId}",
        _ => $"acquired by the Tier-2 customer {fact.SubjectId} ({fact.Country}) in {fact.From.InUtc().Year}",
    };
}
