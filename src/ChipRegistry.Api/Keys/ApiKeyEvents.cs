namespace ChipRegistry.Api.Keys;

/// <summary>
/// A key was issued to an organisation. Only the SHA-256 of the secret token is kept; the token
/// itself is shown once, to whoever asked for it. <see cref="Role"/> is the organisation's kind (or
/// <c>admin</c>) at issue time, so authentication is one indexed lookup.
/// </summary>
public sealed record ApiKeyIssued(string KeyId, string OrganisationId, string Role, string SecretHash, string Label, string IssuedBy);

/// <summary>The key stops authenticating at once; the event stays as the record of who revoked it and why.</summary>
public sealed record ApiKeyRevoked(string KeyId, string RevokedBy, string Reason);

public static class ApiKeyEventNames
{
    public static IReadOnlyDictionary<Type, string> ByType { get; } = new Dictionary<Type, string>
    {
        [typeof(ApiKeyIssued)] = "api_key_issued",
        [typeof(ApiKeyRevoked)] = "api_key_revoked",
    };

    public static string StreamKey(string keyId) => $"api-key:{keyId}";

    public const string StreamType = "api_key";
}
