using ChipRegistry.Domain.Detection.CustodyGap;
using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Detection.Thresholds;
using NodaTime;

namespace ChipRegistry.Domain.Detection.Divergence;

/// <summary>
/// Rule 5, bill-to / ship-to / install divergence (docs/detection.md). Pure: the shipping act's divergent deliveries,
/// the thresholds and the latest tick in; its flag and when it next falls due out. A chip is late when it was delivered
/// and not installed by delivery + <c>divergence_install_days</c> (in force at the delivery).
/// </summary>
public static class DivergenceJudgement
{
    public const int Rule = 5;

    public static Instant? DueOf(DivergentDelivery delivery, ThresholdCalendar thresholds)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        ArgumentNullException.ThrowIfNull(thresholds);
        if (delivery.DeliveredAt is not { } delivered) return null;
        var days = thresholds.NumberAt(DetectionThresholds.DivergenceInstallDays, delivered);
        return delivered + Duration.FromSeconds((long)decimal.Round(days * 86_400m));
    }

    /// <summary>
    /// The act's flag (null: none) and its next due instant (null: none until new facts). A flag opens only when
    /// <paramref name="mayOpen"/> (at a tick) for the late chips whose deadline a tick has reached, at the earliest of
    /// those deadlines; it closes when every one of them is installed (at the last installation); it is withdrawn when
    /// the evidence now shows none was late (an installation dated before its deadline, recorded after it) or every
    /// shipment was voided.
    /// </summary>
    public static (Flag? Flag, Instant? Due) Judge(
        IReadOnlyList<DivergentDelivery> group, ThresholdCalendar thresholds, Instant? latestTick, Flag? existing, bool mayOpen)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(thresholds);
        if (VoidableEvidence<DivergentDelivery>.Of(group) is not { } evidence) return (existing is null ? null : existing with { Withdrawn = true }, null);
        var first = evidence.First;
        var subject = new FlagSubject(FlagSubjectKinds.Organisation, first.ConsigneeId);
        var candidates = (evidence.Withdrawn ? [] : evidence.Live)
            .Where(d => d.Diverges && DueOf(d, thresholds) is { } due && (d.InstalledAt is not { } installed || installed > due))
            .Select(d => (Delivery: d, Due: DueOf(d, thresholds)!.Value)).OrderBy(c => c.Due).ThenBy(c => c.Delivery.SeqId).ToList();
        var late = latestTick is { } now ? candidates.Where(c => c.Due <= now).ToList() : [];
        var opens = late.Count > 0 && (existing is not null || mayOpen);
        var nextDue = candidates.Where(c => !opens || c.Due > latestTick).Select(c => (Instant?)c.Due).FirstOrDefault();

        if (!opens)
        {
            if (existing is null) return (null, nextDue);
            return (existing with
            {
                Withdrawn = true,
                ClosedAt = null,
                Evidence = [.. evidence.Behind.Select(d => d.SeqId).Order()],
                Chips = evidence.Chips,
                Explanation = evidence.Withdrawn
                    ? $"withdrawn: the shipment by {first.ShipperId} to {first.DestinationCountry} on {Invariant.Day(first.ShippedAt)} was voided"
                    : $"withdrawn: the chips shipped by {first.ShipperId} to {first.DestinationCountry} on {Invariant.Day(first.ShippedAt)} were installed "
                      + "within their deadline, reported after it passed",
            }, nextDue);
        }
        var closedAt = late.All(c => c.Delivery.InstalledAt is not null) ? late.Max(c => c.Delivery.InstalledAt) : null;
        var days = thresholds.NumberAt(DetectionThresholds.DivergenceInstallDays, late[0].Delivery.DeliveredAt!.Value);
        var installed = late.Where(c => c.Delivery.InstallCountry is not null).Select(c => c.Delivery.InstallCountry!).Distinct(StringComparer.Ordinal).Order().ToList();
        var explanation =
            $"{late.Count} {(late.Count == 1 ? "chip" : "chips")} billed to {first.BillToId} ({first.BillToCountry}) and shipped by {first.ShipperId} to "
            + $"{first.ConsigneeId} in {first.DestinationCountry} on {Invariant.Day(first.ShippedAt)} {(late.Count == 1 ? "was" : "were")} delivered on "
            + $"{Invariant.Day(late[0].Delivery.DeliveredAt!.Value)} and not installed within {Invariant.Number(days)} days"
            + (closedAt is { } closed ? $"; the last was installed on {Invariant.Day(closed)} in {string.Join(", ", installed)}" : "");
        return (new Flag(
            FlagIds.Of(Rule, subject, first.SeqId),
            Rule,
            FlagSeverities.Medium,
            subject,
            first.DestinationCountry,
            late[0].Due,
            closedAt,
            false,
            [.. late.SelectMany(c => new[] { c.Delivery.SeqId, c.Delivery.ReceiptSeqId, c.Delivery.InstallationSeqId }).OfType<long>().Distinct().Order()],
            [.. late.Select(c => c.Delivery.ChipId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
            explanation), nextDue);
    }
}
