using ChipRegistry.Domain.Detection.CustodyGap;
using ChipRegistry.Domain.Detection.Flags;

namespace ChipRegistry.Domain.Detection.ConsigneeMismatch;

/// <summary>Rule 2, consignee or end-user mismatch (docs/detection.md). Pure: the group's acts in, its flag out.</summary>
public static class ConsigneeMismatchJudgement
{
    public const int Rule = 2;

    /// <summary>
    /// The receiving act's flag, opened at the act's business time; never closes by itself (a fact); withdrawn once every
    /// act of the group is voided (or no longer follows an authorised shipment naming another party).
    /// </summary>
    public static Flag? Judge(IReadOnlyList<MismatchedAct> group, Flag? existing)
    {
        if (VoidableEvidence<MismatchedAct>.Of(group) is not { } evidence) return existing is null ? null : existing with { Withdrawn = true };
        var (first, live, behind) = evidence;
        var subject = new FlagSubject(FlagSubjectKinds.Organisation, first.PartyId);
        var severity = behind.Any(a => a.PartyRestricted) ? FlagSeverities.Critical : FlagSeverities.High;
        var shipment = $"shipped by {first.ShipperId} to {first.DestinationCountry} on {Invariant.Day(first.ShippedAt)} under {first.Authorisation}";
        var explanation = live.Count == 0
            ? $"withdrawn: the {first.Kind} by {first.PartyId} on {Invariant.Day(first.At)} was voided"
            : first.Kind == MismatchedAct.Receipt
                ? $"{Chips(live.Count)} {shipment} for the consignee {first.ConsigneeId} {(live.Count == 1 ? "was" : "were")} received by {first.PartyId} "
                  + $"in {first.Country} on {Invariant.Day(first.At)}"
                : $"{Chips(live.Count)} {shipment} for the end user {first.EndUserId} {(live.Count == 1 ? "was" : "were")} installed by {first.PartyId} "
                  + $"at {first.FacilityId ?? "an unnamed facility"} in {first.Country} on {Invariant.Day(first.At)}";
        return new Flag(
            FlagIds.Of(Rule, subject, first.SeqId),
            Rule,
            severity,
            subject,
            first.Country,
            first.At,
            null,
            evidence.Withdrawn,
            [.. behind.SelectMany(a => new[] { a.ShipmentSeqId, a.SeqId }).Distinct().Order()],
            evidence.Chips,
            explanation);
    }

    private static string Chips(int count) => count == 1 ? "1 chip" : $"{count} chips";
}
