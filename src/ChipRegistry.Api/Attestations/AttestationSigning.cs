using ChipRegistry.Api.Problems;
using ChipRegistry.Domain.Attestations;
using NodaTime;

namespace ChipRegistry.Api.Attestations;

/// <summary>A signature as the request carried it: the key it names, the DER bytes, the nonce signed into the payload.</summary>
public sealed record AttestationSignatureInput(string? KeyId, byte[]? DerSignature, string? Nonce)
{
    public bool IsSigned => DerSignature is not null;
}

/// <summary>
/// Turns a request's signature into the <see cref="SignatureResult"/> the event records. The key must be valid at
/// receipt (the registry's now): the fresh nonce shows the signature was made within its lifetime, so the receipt
/// time, not the operator's claimed <c>occurredAt</c>, is when the key was used. A signature over a nonce the
/// registry never issued to this operator, or one that expired, proves no freshness: <c>invalid</c>.
/// </summary>
public sealed class AttestationSigning(AttestationKeyStore keys, AttestationNonces nonces)
{
    public async Task<SignatureResult> DecideAsync(
        string organisationId, byte[] canonicalPayload, AttestationSignatureInput input, Guid claimant, Instant now, CancellationToken cancellationToken)
    {
        if (!input.IsSigned)
        {
            if (await keys.SigningRequiredFromAsync(organisationId, cancellationToken) is { } from && now >= from)
            {
                throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "signature_required",
                    "This operator must sign its attestations.", $"An agency requires signed attestations from {organisationId} since {AttestationPayload.Time(from)}.");
            }
            return SignatureResult.Unsigned;
        }
        var registered = await keys.KeysOfAsync(organisationId, cancellationToken);
        var verified = AttestationSignatureVerifier.Verify(
            canonicalPayload, new SignedAttestation(input.KeyId, input.DerSignature), organisationId, registered, nonceAlreadyUsed: false, now);
        // Only a genuine signature claims the nonce: a forged or mis-keyed one must not use up the operator's nonce.
        if (verified != SignatureResult.Valid)
        {
            return verified;
        }
        if (input.Nonce is null)
        {
            return SignatureResult.Invalid;
        }
        return await nonces.ClaimAsync(input.Nonce, organisationId, claimant, cancellationToken) switch
        {
            NonceClaim.Claimed => SignatureResult.Valid,
            NonceClaim.AlreadyUsed => SignatureResult.Replayed,
            _ => SignatureResult.Invalid,
        };
    }

    /// <summary>Undoes <see cref="DecideAsync"/>'s claim when the attestation it was for is not recorded.</summary>
    public Task ReleaseAsync(SignatureResult result, AttestationSignatureInput input, Guid claimant, CancellationToken cancellationToken) =>
        result == SignatureResult.Valid && input.Nonce is { } nonce ? nonces.ReleaseAsync(nonce, claimant, cancellationToken) : Task.CompletedTask;
}
