using ChipRegistry.Domain.Detection.Flags;
using NodaTime;
using NodaTime.Text;

namespace ChipRegistry.Domain.Detection.PayerJurisdiction;

/// <summary>
/// A shipment paid for by a party in D:5 or Macau (itself, or its ultimate parent, on the shipment's date; Hong Kong as
/// China) to a consignee that is not, as the registry knew the organisations when the shipment was recorded. Kept,
/// marked, when voided, so the group's first evidence never moves.
/// </summary>
public sealed record RestrictedPayerShipment(
    string ChipId, long SeqId, string ShipperId, string PayerId, string PayerCountry, string PayerParentId, string PayerParentCountry,
    string ConsigneeId, string ConsigneeCountry, string DestinationCountry, Instant ShippedAt, bool Voided) : IVoidableFact
{
    /// <summary>One shipping act: same shipper, payer, consignee, destination and business instant.</summary>
    public string GroupKey => string.Join('|', ShipperId, PayerId, ConsigneeId, DestinationCountry, InstantPattern.ExtendedIso.Format(ShippedAt));
}
