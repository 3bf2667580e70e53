using NodaTime;

namespace ChipRegistry.Api.Attestations;

public sealed record RegisterAttestationKeyRequest(string KeyId, string PublicKeyPem, OffsetDateTime ValidFrom, OffsetDateTime? ValidUntil = null);

public sealed record RetireAttestationKeyRequest(OffsetDateTime? ValidUntil = null);

public sealed record AttestationKeyPage(IReadOnlyList<AttestationKeyResponse> Keys, string? Next);

public sealed record SigningRequirementRequest(string OrganisationId, OffsetDateTime From);

public sealed record SigningRequirementResponse(string OrganisationId, Instant From, string RequiredBy);

public sealed record NonceResponse(string Nonce, Instant ExpiresAt);

/// <summary>One chip's location, attested by the operator of the facility it is installed in.</summary>
public sealed record ChipAttestationRequest(
    string FacilityId, string Method, OffsetDateTime OccurredAt, decimal? RoundTripMs = null, string? LandmarkId = null,
    string? Nonce = null, string? KeyId = null, string? Signature = null);

/// <summary>Every chip installed in one cluster, attested at once; the facility and cluster come from the path.</summary>
public sealed record ClusterAttestationRequest(
    string Method, OffsetDateTime OccurredAt, decimal? RoundTripMs = null, string? LandmarkId = null,
    string? Nonce = null, string? KeyId = null, string? Signature = null);

public sealed record ChipAttestationResponse(string ChipId, Guid EventId, string FacilityId, string Signature, long Version);

public sealed record AttestedChip(string ChipId, Guid EventId, long Version);

public sealed record ClusterAttestationResponse(string FacilityId, string ClusterId, string Signature, int ChipCount, IReadOnlyList<AttestedChip> Chips);
