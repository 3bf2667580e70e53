using System.Security.Cryptography;
using NodaTime;

namespace ChipRegistry.Domain.Attestations;

/// <summary>What the registry concluded about an attestation's signature; stored in the event.</summary>
public enum SignatureResult
{
    Valid,
    Invalid,
    Unsigned,
    UnknownKey,
    Replayed,
}

/// <summary>An operator's registered ECDSA P-256 public key (SubjectPublicKeyInfo PEM) and when it may sign.</summary>
public sealed record AttestationKey(string KeyId, string OrganisationId, string PublicKeyPem, Instant ValidFrom, Instant? ValidUntil)
{
    public bool IsValidAt(Instant instant) => instant >= ValidFrom && (ValidUntil is null || instant < ValidUntil);
}

/// <summary>A signature as the operator sent it: the key it names and the DER bytes (as <c>openssl dgst -sha256 -sign</c> makes them).</summary>
public sealed record SignedAttestation(string? KeyId, byte[]? DerSignature);

/// <summary>
/// Verifies an operator's signature over the RFC 8785 canonical bytes of an attestation. Pure: the
/// keys, whether the nonce was already used, and the time come in from the caller.
/// </summary>
public static class AttestationSignatureVerifier
{
    public static SignatureResult Verify(
        byte[] canonicalPayload,
        SignedAttestation signature,
        string signingOrganisationId,
        IEnumerable<AttestationKey> registeredKeys,
        bool nonceAlreadyUsed,
        Instant at)
    {
        if (signature.KeyId is null || signature.DerSignature is null || signature.DerSignature.Length == 0)
        {
            return SignatureResult.Unsigned;
        }
        // A key of another organisation, or one outside its validity period, cannot vouch for this report.
        var key = registeredKeys.FirstOrDefault(k => k.KeyId == signature.KeyId && k.OrganisationId == signingOrganisationId);
        if (key is null || !key.IsValidAt(at))
        {
            return SignatureResult.UnknownKey;
        }
        if (!VerifyDer(key.PublicKeyPem, canonicalPayload, signature.DerSignature))
        {
            return SignatureResult.Invalid;
        }
        // Checked after the signature: only a genuine signature over a used nonce is a replay.
        return nonceAlreadyUsed ? SignatureResult.Replayed : SignatureResult.Valid;
    }

    /// <summary>True when the PEM holds a P-256 public key and the DER signature verifies over SHA-256 of the payload.</summary>
    public static bool VerifyDer(string publicKeyPem, byte[] payload, byte[] derSignature)
    {
        try
        {
            using var ecdsa = ECDsa.Create();
            ecdsa.ImportFromPem(publicKeyPem);
            if (ecdsa.ExportParameters(includePrivateParameters: false).Curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
            {
                return false;
            }
            return ecdsa.VerifyData(payload, derSignature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Checks a PEM before it is registered, so a bad key is refused at registration, not at first use.</summary>
    public static bool IsP256PublicKey(string publicKeyPem)
    {
        try
        {
            using var ecdsa = ECDsa.Create();
            ecdsa.ImportFromPem(publicKeyPem);
            return ecdsa.ExportParameters(includePrivateParameters: false).Curve.Oid.Value == ECCurve.NamedCurves.nistP256.Oid.Value;
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            return false;
        }
    }
}
