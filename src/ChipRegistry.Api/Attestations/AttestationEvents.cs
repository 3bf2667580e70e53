using NodaTime;

namespace ChipRegistry.Api.Attestations;

/// <summary>An operator registered a P-256 public key that may sign its location attestations during [ValidFrom, ValidUntil).</summary>
public sealed record AttestationKeyRegistered(string OrganisationId, string KeyId, string PublicKeyPem, Instant ValidFrom, Instant? ValidUntil, string RegisteredBy);

/// <summary>The operator ended its key's validity at <see cref="ValidUntil"/>; results already recorded stay as they were.</summary>
public sealed record AttestationKeyRetired(string OrganisationId, string KeyId, Instant ValidUntil, string RetiredBy);

/// <summary>An agency requires the operator to sign every attestation it submits from <see cref="From"/> on.</summary>
public sealed record SigningRequired(string OrganisationId, Instant From, string RequiredBy);

public static class AttestationEventNames
{
    public static IReadOnlyDictionary<Type, string> ByType { get; } = new Dictionary<Type, string>
    {
        [typeof(AttestationKeyRegistered)] = "attestation_key_registered",
        [typeof(AttestationKeyRetired)] = "attestation_key_retired",
        [typeof(SigningRequired)] = "signing_required",
    };

    /// <summary>One stream per operator for its keys, so a key id is unique within the operator by the stream's version check.</summary>
    public static string KeysStream(string organisationId) => $"{KeysStreamType}/{organisationId}";

    public const string KeysStreamType = "attestation_keys";

    public static string RequirementStream(string organisationId) => $"{RequirementStreamType}/{organisationId}";

    public const string RequirementStreamType = "signing_requirement";
}
