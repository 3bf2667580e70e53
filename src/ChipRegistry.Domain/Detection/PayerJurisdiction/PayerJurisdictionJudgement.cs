using ChipRegistry.Domain.Detection.CustodyGap;
using ChipRegistry.Domain.Detection.Flags;

namespace ChipRegistry.Domain.Detection.PayerJurisdiction;

/// <summary>Rule 4, payer jurisdiction (docs/detection.md). Pure: the shipping act's shipments in, its flag out.</summary>
public static class PayerJurisdictionJudgement
{
    public const int Rule = 4;

    /// <summary>Opened at the shipment; never closes (a fact); withdrawn once every shipment of the act is voided.</summary>
    public static Flag? Judge(IReadOnlyList<RestrictedPayerShipment> group, Flag? existing)
    {
        if (VoidableEvidence<RestrictedPayerShipment>.Of(group) is not { } evidence) return existing is null ? null : existing with { Withdrawn = true };
        var (first, live, behind) = evidence;
        var subject = new FlagSubject(FlagSubjectKinds.Organisation, first.PayerId);
        var shipment = $"shipped by {first.ShipperId} to {first.DestinationCountry} on {Invariant.Day(first.ShippedAt)} for the consignee {first.ConsigneeId} "
            + $"({first.ConsigneeCountry})";
        var payer = first.PayerParentId == first.PayerId
            ? $"{first.PayerId}, in {first.PayerCountry}"
            : $"{first.PayerId} ({first.PayerCountry}), whose ultimate parent {first.PayerParentId} is in {first.PayerParentCountry}";
        var explanation = live.Count == 0
            ? $"withdrawn: the shipment {shipment} paid for by {first.PayerId} was voided"
            : $"{live.Count} {(live.Count == 1 ? "chip" : "chips")} {shipment} {(live.Count == 1 ? "was" : "were")} paid for by {payer} (D:5 or Macau)";
        return new Flag(
            FlagIds.Of(Rule, subject, first.SeqId),
            Rule,
            FlagSeverities.High,
            subject,
            first.DestinationCountry,
            first.ShippedAt,
            null,
            evidence.Withdrawn,
            [.. behind.Select(s => s.SeqId)],
            evidence.Chips,
            explanation);
    }
}
