using ChipRegistry.Domain.Detection.CustodyGap;
using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Detection.Thresholds;
using NodaTime.Text;

namespace ChipRegistry.Domain.Detection.NewEntity;

/// <summary>Rule 9, new-entity bulk order (docs/detection.md). Pure: the organisation's acquisitions while new in, its flag out.</summary>
public static class NewEntityJudgement
{
    public const int Rule = 9;

    /// <summary>
    /// Opened at the acquisition (in business order) that brings the standing ones to <c>new_entity_min_chips</c> (the
    /// value in force at that acquisition); never closes; withdrawn when voids leave fewer than the minimum.
    /// </summary>
    public static Flag? Judge(IReadOnlyList<NewEntityAcquisition> group, ThresholdCalendar thresholds, Flag? existing)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(thresholds);
        if (VoidableEvidence<NewEntityAcquisition>.Of(group) is not { } evidence) return existing is null ? null : existing with { Withdrawn = true };
        var first = evidence.First;
        var subject = new FlagSubject(FlagSubjectKinds.Organisation, first.BuyerId);
        var live = evidence.Live.OrderBy(a => a.At).ThenBy(a => a.SeqId).ToList();
        NewEntityAcquisition? reaching = null;
        decimal minimum = 0;
        for (var i = 0; i < live.Count && reaching is null; i++)
        {
            minimum = thresholds.NumberAt(DetectionThresholds.NewEntityMinChips, live[i].At);
            if (i + 1 >= minimum) reaching = live[i];
        }
        var founded = LocalDatePattern.Iso.Format(first.FoundedOn);
        if (reaching is null)
        {
            if (existing is null) return null;
            var behind = evidence.Behind;
            return new Flag(FlagIds.Of(Rule, subject, first.SeqId), Rule, existing.Severity, subject, first.BuyerCountry, existing.OpenedAt, null, true,
                [.. behind.Select(a => a.SeqId).Order()], evidence.Chips,
                $"withdrawn: voids leave {live.Count} of the chips acquired by {first.BuyerId} (founded on {founded}) while new, under the minimum of "
                + Invariant.Number(thresholds.NumberAt(DetectionThresholds.NewEntityMinChips, first.At)));
        }
        var severity = live.Any(a => a.ParentRestricted) ? FlagSeverities.High : FlagSeverities.Medium;
        var explanation =
            $"{live.Count} chips acquired by {first.BuyerId}, founded on {founded}, within {MonthsOf(first)} months of its founding "
            + $"(by {LocalDatePattern.Iso.Format(first.NewUntil)}), from {Invariant.Day(live[0].At)} to {Invariant.Day(live[^1].At)}, "
            + $"reaching the minimum of {Invariant.Number(minimum)} on {Invariant.Day(reaching.At)}"
            + (severity == FlagSeverities.High ? "; its ultimate parent is in D:5 or Macau" : "");
        return new Flag(
            FlagIds.Of(Rule, subject, first.SeqId),
            Rule,
            severity,
            subject,
            first.BuyerCountry,
            reaching.At,
            null,
            false,
            [.. live.Select(a => a.SeqId).Order()],
            [.. live.Select(a => a.ChipId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
            explanation);
    }

    private static int MonthsOf(NewEntityAcquisition acquisition) =>
        NodaTime.Period.Between(acquisition.FoundedOn, acquisition.NewUntil, NodaTime.PeriodUnits.Months).Months;
}
