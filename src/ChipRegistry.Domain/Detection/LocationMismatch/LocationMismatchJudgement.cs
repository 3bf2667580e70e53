using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Detection.CustodyGap;
using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Policy;

namespace ChipRegistry.Domain.Detection.LocationMismatch;

/// <summary>Rule 3, location mismatch (docs/detection.md). Pure: the group's mislocated acts in, its flag out.</summary>
public static class LocationMismatchJudgement
{
    public const int Rule = 3;

    /// <summary>
    /// The facility's flag under one licence, opened at the earliest act's business time; closed once every standing act
    /// is resolved by an attestation consistent with the destination (at the latest of them); withdrawn once every act
    /// of the group is voided (or its shipment is).
    /// </summary>
    public static Flag? Judge(IReadOnlyList<MislocatedAct> group, Flag? existing)
    {
        if (VoidableEvidence<MislocatedAct>.Of(group) is not { } evidence) return existing is null ? null : existing with { Withdrawn = true };
        var (first, live, behind) = evidence;
        var subject = new FlagSubject(FlagSubjectKinds.Facility, first.FacilityId);
        var severity = behind.Any(a => CountryGroups.IsD5OrMacau(Countries.AsTreatedByEar(a.Country), a.At.InUtc().Date))
            ? FlagSeverities.Critical : FlagSeverities.High;
        var closedAt = live.Count > 0 && live.All(a => a.ResolvedAt is not null) ? live.Max(a => a.ResolvedAt) : null;
        var shown = live.Count > 0 ? live[0] : first;
        var chips = evidence.Chips.Length;
        var were = chips == 1 ? "was" : "were";
        var shipped = $"{(chips == 1 ? "1 chip" : $"{chips} chips")} shipped to {first.Destination} under {first.Authorisation}";
        var explanation = live.Count == 0
            ? $"withdrawn: the {first.Kind} at {first.FacilityId} on {Invariant.Day(first.At)} was voided"
            : shown.Reason == MislocatedAct.CountryReason
                ? $"{shipped} {were} {Verb(shown)} at {shown.FacilityId} in {shown.Country} on {Invariant.Day(shown.At)}, outside the licensed destination {shown.Destination}"
                : $"{shipped} {were} attested at {shown.FacilityId} on {Invariant.Day(shown.At)} with a round trip of {Invariant.Number(shown.RoundTripMs ?? 0)} ms "
                  + $"to landmark {shown.LandmarkId} ({(shown.SelfReported ? "self-reported" : "measured by the landmark")}), which bounds the chip within "
                  + $"{Km(shown.BoundKm)} km of it, but {shown.FacilityId} is {Km(shown.DistanceKm)} km away";
        if (closedAt is { } closed) explanation += $"; an attestation consistent with {first.Destination} followed on {Invariant.Day(closed)}";
        return new Flag(
            FlagIds.Of(Rule, subject, first.SeqId),
            Rule,
            severity,
            subject,
            shown.Country,
            behind.Min(a => a.At),
            closedAt,
            evidence.Withdrawn,
            [.. behind.SelectMany(a => new[] { a.ShipmentSeqId, a.SeqId }.Concat(a.ResolvedSeqId is { } r ? [r] : [])).Distinct().Order()],
            evidence.Chips,
            explanation);
    }

    private static string Verb(MislocatedAct act) => act.Kind == MislocatedAct.Installation ? "installed" : "attested";

    private static string Km(decimal? km) => Invariant.Number(decimal.Round(km ?? 0));
}
