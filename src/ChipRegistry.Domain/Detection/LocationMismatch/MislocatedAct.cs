using ChipRegistry.Domain.Detection.Flags;
using NodaTime;

namespace ChipRegistry.Domain.Detection.LocationMismatch;

/// <summary>
/// An installation or attestation of a chip that a licensed shipment brought, placing it outside the licensed
/// destination: in another country (<see cref="CountryReason"/>), or attested with a round trip to a landmark whose
/// bound excludes the facility (<see cref="DistanceReason"/>: <see cref="DistanceKm"/> beyond <see cref="BoundKm"/>).
/// <see cref="ResolvedAt"/> is the chip's next attestation consistent with the destination, if any. Kept, marked,
/// when voided (or its shipment is), so the group's first evidence never moves.
/// </summary>
public sealed record MislocatedAct(
    string ChipId, long SeqId, string Kind, string FacilityId, string Authorisation, string Destination, long ShipmentSeqId, string Country,
    Instant At, string Reason, string? LandmarkId, decimal? RoundTripMs, decimal? DistanceKm, decimal? BoundKm, bool SelfReported,
    Instant? ResolvedAt, long? ResolvedSeqId, bool Voided) : IVoidableFact
{
    public const string Installation = "installation";
    public const string Attestation = "attestation";
    public const string CountryReason = "country";
    public const string DistanceReason = "distance";

    /// <summary>One flag per facility and licence.</summary>
    public string GroupKey => string.Join('|', FacilityId, Authorisation);
}
