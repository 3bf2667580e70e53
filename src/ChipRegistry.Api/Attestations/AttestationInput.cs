using ChipRegistry.Api.Chips;
using ChipRegistry.Api.Problems;
using ChipRegistry.Api.Requests;
using NodaTime;

namespace ChipRegistry.Api.Attestations;

/// <summary>The checked fields of a location attestation.</summary>
internal sealed record AttestationFields(string Method, Instant OccurredAt);

/// <summary>
/// The checks a chip's and a cluster's attestation make on their bodies before anything is loaded: method,
/// round trip, landmark, business time, and the shape of the signature (its key, bytes and nonce).
/// </summary>
internal static class AttestationInput
{
    private const decimal MaxRoundTripMs = 60_000m;

    /// <summary>
    /// <paramref name="occurredAt"/> is defaulted like every act's (the registry's now) when left out, except when the
    /// attestation is signed: the signed bytes carry the time, so a signer states it (422 <c>incomplete_signature</c>).
    /// </summary>
    public static AttestationFields Validate(
        string method, decimal? roundTripMs, string? landmarkId, OffsetDateTime? occurredAt, bool signed, Instant now, BusinessTimeOptions businessTime,
        bool measuredByLandmark = false)
    {
        if (string.IsNullOrWhiteSpace(method) || method.Length > 64 || method.Any(char.IsControl))
        {
            throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "invalid_method", "The attestation method must be 1 to 64 printable characters.");
        }
        if (roundTripMs is < 0m or > MaxRoundTripMs)
        {
            throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "invalid_round_trip", "The round-trip time is out of range.", $"0 <= roundTripMs <= {MaxRoundTripMs}.");
        }
        if (measuredByLandmark && (roundTripMs is null || landmarkId is null))
        {
            throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "invalid_round_trip", "A round trip measured by a landmark names the landmark and the time.",
                "measuredByLandmark: true needs roundTripMs and landmarkId.");
        }
        if (landmarkId is not null)
        {
            Id(landmarkId, "landmarkId", "invalid_id");
        }
        if (occurredAt is not { } stated)
        {
            return signed
                ? throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "incomplete_signature", "A signed attestation states its occurredAt.",
                    "The signed bytes carry occurredAt, so the registry cannot default it.")
                : new AttestationFields(method, now);
        }
        var at = stated.ToInstant();
        businessTime.Validate(at, now);
        return new AttestationFields(method, at);
    }

    public static AttestationSignatureInput Signature(string? nonce, string? keyId, string? signature)
    {
        if ((keyId is null) != (signature is null))
        {
            throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "incomplete_signature", "A signature names its key, and a key comes with a signature.", "Send both keyId and signature, or neither.");
        }
        if (nonce is not null && (nonce.Length is 0 or > 100 || nonce.Any(char.IsControl)))
        {
            throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "invalid_nonce", "The nonce is not one the registry could have issued.");
        }
        if (signature is null)
        {
            return new AttestationSignatureInput(null, null, nonce);
        }
        // A P-256 DER signature is at most 72 bytes; anything far longer is not one.
        var der = new byte[256];
        if (signature.Length == 0 || signature.Length > 344 || !Convert.TryFromBase64String(signature, der, out var length))
        {
            throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "invalid_signature_encoding", "The signature must be the base64 of a DER-encoded ECDSA signature.");
        }
        return new AttestationSignatureInput(keyId, der[..length], nonce);
    }

    /// <summary>
    /// An id of another record, by the chip writes' rule (<see cref="RequestFields.Id"/>), answered with the code the
    /// attestation endpoints document (<c>invalid_id</c>, <c>invalid_organisation</c>) instead of <c>invalid_field</c>.
    /// </summary>
    public static string Id(string value, string field, string code)
    {
        try
        {
            return RequestFields.Id(value, field);
        }
        catch (ApiProblemException invalid)
        {
            throw new ApiProblemException(invalid.Status, code, $"{field} must be 1 to {RequestFields.MaxIdLength} printable characters.", invalid.Detail);
        }
    }

    /// <summary>A business time for the OpenAPI examples: UTC, as a client would send it.</summary>
    public static OffsetDateTime ExampleTime(int year, int month, int day, int hour, int minute) =>
        Instant.FromUtc(year, month, day, hour, minute).WithOffset(Offset.Zero);
}
