using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Detection.Thresholds;
using ChipRegistry.Domain.Policy;
using NodaTime;

namespace ChipRegistry.Domain.Detection.CustodyGap;

/// <summary>
/// Rule 1, custody gap (docs/detection.md): a shipping act whose chips were not all received by the deadline. Pure:
/// the projection hands it the group's shipments, the deadline, the latest tick and the flag the group already has.
/// </summary>
public static class CustodyGapJudgement
{
    public const int Rule = 1;

    /// <summary>From this many chips in one shipping act the flag is raised to high (the bulk scale of rules 8 and 9).</summary>
    public const int BulkChips = 256;

    /// <summary>The deadline of a shipment: its business time plus the threshold in force then (international or domestic).</summary>
    public static (Instant Due, decimal Days) Deadline(CustodyGapShipment shipment, ThresholdCalendar thresholds)
    {
        ArgumentNullException.ThrowIfNull(shipment);
        ArgumentNullException.ThrowIfNull(thresholds);
        var days = thresholds.NumberAt(
            shipment.International ? DetectionThresholds.CustodyGapInternationalDays : DetectionThresholds.CustodyGapDomesticDays, shipment.ShippedAt);
        return (shipment.ShippedAt + Duration.FromSeconds((long)decimal.Round(days * 86_400m)), days);
    }

    /// <summary>
    /// The group's flag after this judgement, or null when it has none. A flag opens only when <paramref name="mayOpen"/>
    /// (at a clock tick) and the latest tick has reached the deadline; an existing flag follows the evidence at any time:
    /// it closes when its last late chip is received, and is withdrawn when the evidence now shows every chip was received
    /// by the deadline (or every shipment was voided).
    /// </summary>
    public static Flag? Judge(
        IReadOnlyList<CustodyGapShipment> group, ThresholdCalendar thresholds, Instant? latestTick, Flag? existing, bool mayOpen)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(thresholds);
        if (group.Count == 0) return existing is null ? null : existing with { Withdrawn = true };

        var first = group.MinBy(s => s.SeqId)!;
        var (due, days) = Deadline(first, thresholds);
        var subject = new FlagSubject(FlagSubjectKinds.Organisation, first.ConsigneeId);
        var live = group.Where(s => !s.Voided).ToList();
        var late = live.Where(s => s.ReceivedAt is not { } at || at > due).OrderBy(s => s.SeqId).ToList();

        if (late.Count == 0)
        {
            if (existing is null) return null;
            // Built from the facts alone (never from the flag as it stood), so a rebuild that never saw it open gives the same row.
            var behind = live.Count > 0 ? live : [.. group];
            return new Flag(FlagIds.Of(Rule, subject, first.SeqId), Rule, Severity(behind.Count, first, thresholds), subject, first.DestinationCountry, due, null, true,
                [.. behind.Select(s => s.SeqId).Concat(behind.Where(s => s.ReceiptSeqId is not null).Select(s => s.ReceiptSeqId!.Value)).Distinct().Order()],
                [.. behind.Select(s => s.ChipId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
                live.Count == 0
                    ? $"withdrawn: the shipment by {first.ShipperId} to {first.DestinationCountry} on {Invariant.Day(first.ShippedAt)} was voided"
                    : $"withdrawn: all {live.Count} chips shipped by {first.ShipperId} to {first.DestinationCountry} on {Invariant.Day(first.ShippedAt)} were received by {Invariant.Day(due)}, reported after the deadline passed");
        }
        if (existing is null && !(mayOpen && latestTick is { } now && now >= due)) return null;

        var closedAt = late.All(s => s.ReceivedAt is not null) ? late.Max(s => s.ReceivedAt) : null;
        var evidence = late.Select(s => s.SeqId).Concat(late.Where(s => s.ReceiptSeqId is not null).Select(s => s.ReceiptSeqId!.Value))
            .Distinct().Order().ToList();
        var chips = late.Select(s => s.ChipId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var scope = first.International ? "international" : "domestic";
        var explanation =
            $"{late.Count} {(late.Count == 1 ? "chip" : "chips")} shipped by {first.ShipperId} to {first.DestinationCountry} on {Invariant.Day(first.ShippedAt)} "
            + $"not received by the consignee {first.ConsigneeId} within {Invariant.Number(days)} days ({scope})"
            + (closedAt is { } closed ? $"; the last was received on {Invariant.Day(closed)}" : "");
        return new Flag(
            FlagIds.Of(Rule, subject, first.SeqId),
            Rule,
            Severity(late.Count, first, thresholds),
            subject,
            first.DestinationCountry,
            due,
            closedAt,
            false,
            evidence,
            chips,
            explanation);
    }

    /// <summary>Medium; high for a bulk act or a destination that is a watch-list hub, D:5 or Macau (Hong Kong counts as China).</summary>
    private static string Severity(int lateChips, CustodyGapShipment first, ThresholdCalendar thresholds)
    {
        var destination = Countries.AsTreatedByEar(first.DestinationCountry);
        var risky = thresholds.CountriesAt(DetectionThresholds.TransshipmentHubs, first.ShippedAt).Contains(first.DestinationCountry)
            || CountryGroups.IsD5OrMacau(destination, first.ShippedAt.InUtc().Date);
        return lateChips >= BulkChips || risky ? FlagSeverities.High : FlagSeverities.Medium;
    }
}
