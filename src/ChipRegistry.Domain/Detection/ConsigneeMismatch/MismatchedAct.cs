using ChipRegistry.Domain.Detection.Flags;
using NodaTime;
using NodaTime.Text;

namespace ChipRegistry.Domain.Detection.ConsigneeMismatch;

/// <summary>
/// A receipt or installation of a chip by a party the authorised shipment that brought it did not name: a receipt by
/// another party than the shipment's consignee, an installation by another operator than its end user. Kept, marked,
/// when voided, so the group's first evidence never moves. <see cref="PartyRestricted"/>: the party or its ultimate
/// parent is in D:5 or Macau (Hong Kong as China) on the act's date, as the registry knew it when the act was recorded.
/// </summary>
public sealed record MismatchedAct(
    string ChipId, long SeqId, string Kind, string PartyId, string? FacilityId, string? Country, Instant At, long ShipmentSeqId,
    string ShipperId, string ConsigneeId, string EndUserId, string DestinationCountry, string Authorisation, Instant ShippedAt,
    bool PartyRestricted, bool Voided) : IVoidableFact
{
    public const string Receipt = "receipt";
    public const string Installation = "installation";

    /// <summary>One receiving act: same party, kind, business instant, and shipping act (shipper, consignee, destination, instant).</summary>
    public string GroupKey => string.Join('|', PartyId, Kind, InstantPattern.ExtendedIso.Format(At), ShipperId, ConsigneeId, DestinationCountry,
        InstantPattern.ExtendedIso.Format(ShippedAt));
}
