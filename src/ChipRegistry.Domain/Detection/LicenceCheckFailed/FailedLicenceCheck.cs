using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Detection.CustodyGap;
using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Licences;
using ChipRegistry.Domain.Policy;
using NodaTime;
using NodaTime.Text;

namespace ChipRegistry.Domain.Detection.LicenceCheckFailed;

/// <summary>A shipment whose stored licence check failed, as rule 16 keeps it (voided ones marked, so the first evidence never moves).</summary>
public sealed record FailedLicenceCheck(
    Guid EventId, string ChipId, long SeqId, string ShipperId, string ConsigneeId, string DestinationCountry, Instant ShippedAt,
    string Result, string Detail, bool Voided)
{
    /// <summary>One shipping act with one outcome: same shipper, consignee, destination, business instant and result.</summary>
    public string GroupKey => string.Join('|', ShipperId, ConsigneeId, DestinationCountry, InstantPattern.ExtendedIso.Format(ShippedAt), Result);

    /// <summary>The results rule 16 flags: every stored result but ok and none_needed.</summary>
    public static bool Fails(LicenceCheckResult result) => result is not (LicenceCheckResult.Ok or LicenceCheckResult.NoneNeeded);
}

/// <summary>
/// Rule 16, licence check failed (docs/detection.md): judges the stored result of each shipment (computed at the
/// shipment by <see cref="LicenceCheck"/>); it does not check the licence again.
/// </summary>
public static class LicenceCheckFailedJudgement
{
    public const int Rule = 16;

    /// <summary>
    /// The act's flag, opened at the shipment; withdrawn once every shipment of the act is voided. <paramref name="existing"/>
    /// matters only for an act that lost all its rows.
    /// </summary>
    public static Flag? Judge(IReadOnlyList<FailedLicenceCheck> group, Flag? existing)
    {
        ArgumentNullException.ThrowIfNull(group);
        if (group.Count == 0) return existing is null ? null : existing with { Withdrawn = true };
        var first = group.MinBy(s => s.SeqId)!;
        var live = group.Where(s => !s.Voided).OrderBy(s => s.SeqId).ToList();
        var subject = new FlagSubject(FlagSubjectKinds.Organisation, first.ShipperId);
        var destination = Countries.AsTreatedByEar(first.DestinationCountry);
        var severity = CountryGroups.IsD5OrMacau(destination, first.ShippedAt.InUtc().Date) ? FlagSeverities.Critical : FlagSeverities.High;
        if (live.Count == 0)
        {
            // Kept, withdrawn, even when its shipment and the void arrive together: the row depends on the facts, not on the batches.
            return new Flag(FlagIds.Of(Rule, subject, first.SeqId), Rule, severity, subject, first.DestinationCountry, first.ShippedAt, null, true,
                [.. group.Select(s => s.SeqId).Order()], [.. group.Select(s => s.ChipId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
                $"withdrawn: the shipment by {first.ShipperId} to {first.DestinationCountry} on {Invariant.Day(first.ShippedAt)} was voided");
        }
        return new Flag(
            FlagIds.Of(Rule, subject, first.SeqId),
            Rule,
            severity,
            subject,
            first.DestinationCountry,
            first.ShippedAt,
            null,
            false,
            [.. live.Select(s => s.SeqId)],
            [.. live.Select(s => s.ChipId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
            $"{live.Count} {(live.Count == 1 ? "chip" : "chips")} shipped by {first.ShipperId} to {first.DestinationCountry} for {first.ConsigneeId} "
            + $"on {Invariant.Day(first.ShippedAt)} failed the licence check ({first.Result}): {first.Detail}");
    }
}
