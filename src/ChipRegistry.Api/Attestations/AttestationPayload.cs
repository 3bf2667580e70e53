using System.Text.Json.Nodes;
using ChipRegistry.Domain.Attestations;
using NodaTime;
using ChipRegistry.EventStore;

namespace ChipRegistry.Api.Attestations;

/// <summary>
/// The exact bytes an operator signs: the RFC 8785 canonical JSON of the attestation's fields and the registry
/// nonce. Every field is always present (null when not given), so the operator and the registry never disagree
/// about whether an absent value was signed. docs/api.md spells both forms out.
/// </summary>
public static class AttestationPayload
{
    public const string ChipKind = "chip_location_attestation";
    public const string ClusterKind = "cluster_location_attestation";

    public static byte[] ForChip(string chipId, string facilityId, string method, decimal? roundTripMs, string? landmarkId, string? nonce, Instant occurredAt) =>
        Canonical(new JsonObject
        {
            ["kind"] = ChipKind,
            ["chipId"] = chipId,
            ["facilityId"] = facilityId,
            ["method"] = method,
            ["roundTripMs"] = roundTripMs,
            ["landmarkId"] = landmarkId,
            ["nonce"] = nonce,
            ["occurredAt"] = Time(occurredAt),
        });

    /// <summary>The chips are listed in ordinal order: the operator signs which chips it says are in the cluster.</summary>
    public static byte[] ForCluster(
        string facilityId, string clusterId, IEnumerable<string> chipIds, string method, decimal? roundTripMs, string? landmarkId, string? nonce, Instant occurredAt) =>
        Canonical(new JsonObject
        {
            ["kind"] = ClusterKind,
            ["facilityId"] = facilityId,
            ["clusterId"] = clusterId,
            ["chipIds"] = new JsonArray([.. chipIds.Order(StringComparer.Ordinal).Select(id => (JsonNode?)JsonValue.Create(id))]),
            ["method"] = method,
            ["roundTripMs"] = roundTripMs,
            ["landmarkId"] = landmarkId,
            ["nonce"] = nonce,
            ["occurredAt"] = Time(occurredAt),
        });

    /// <summary>UTC with a Z, fractional seconds only as far as they are not zero (2026-11-20T10:00:00Z, 2026-11-20T10:00:00.25Z).</summary>
    public static string Time(Instant instant) => RegistryTime.Format(instant);

    private static byte[] Canonical(JsonObject payload) => CanonicalJson.Serialize(payload.ToJsonString());
}
