using System.Security.Cryptography;
using ChipRegistry.Api.Callers;
using ChipRegistry.Api.Keys;
using ChipRegistry.Api.OpenApi;
using ChipRegistry.Api.Problems;
using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Attestations;
using ChipRegistry.EventStore;
using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime;

namespace ChipRegistry.Api.Attestations.Keys;

public sealed record RegisterAttestationKeyRequest(string KeyId, string PublicKeyPem, OffsetDateTime ValidFrom, OffsetDateTime? ValidUntil = null);

/// <summary>An operator registers an ECDSA P-256 public key that may sign its location attestations while valid.</summary>
internal static class RegisterAttestationKey
{
    private const int MaxPemLength = 4096;

    public static void Map(RouteGroupBuilder group) =>
        group.MapPost("/attestation-keys", async Task<Created<AttestationKeyResponse>> (
            HttpContext context, AttestationKeyStore keys, IClock clock, CancellationToken cancellationToken) =>
        {
            var body = await context.Request.ReadAsync<RegisterAttestationKeyRequest>(cancellationToken);
            var organisationId = context.User.OrganisationId();
            if (!IsKeyId(body.KeyId))
            {
                throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "invalid_key_id", "The key id is not usable.", "1 to 100 characters of A-Z, a-z, 0-9, '.', '_', ':' or '-'.");
            }
            var pem = PublicKeyPem(body.PublicKeyPem);
            var validFrom = CommandRequests.ValidityTime(body.ValidFrom, "validFrom");
            var validUntil = body.ValidUntil is { } until ? CommandRequests.ValidityTime(until, "validUntil") : (Instant?)null;
            if (validUntil <= validFrom)
            {
                throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "invalid_validity", "A key's validity must end after it starts.", "validUntil must be later than validFrom.");
            }
            if (await keys.FindAsync(organisationId, body.KeyId, cancellationToken) is not null)
            {
                throw new ApiProblemException(StatusCodes.Status409Conflict, "attestation_key_already_registered", "This organisation already has a key with this id.", "Key ids are never reused; choose a new one.");
            }
            var registered = new AttestationKeyRegistered(organisationId, body.KeyId, pem, validFrom, validUntil, organisationId);
            await keys.RegisterAsync(registered, context.AppendMetadata(), cancellationToken);
            return TypedResults.Created((string?)null, new AttestationKeyResponse(
                organisationId, body.KeyId, pem, validFrom, validUntil, organisationId, PostgresTime.Truncate(clock.GetCurrentInstant())));
        }).RequireAuthorization(AttestationEndpoints.OperatorPolicy).Accepts<RegisterAttestationKeyRequest>("application/json").WithName("RegisterAttestationKey")
            .WithSummary("Register an ECDSA P-256 public key (SubjectPublicKeyInfo PEM) that may sign the caller's location attestations during its validity period.")
            .WithRequestExample(new RegisterAttestationKeyRequest("memphis-2026", ExamplePem, AttestationInput.ExampleTime(2026, 11, 1, 0, 0), AttestationInput.ExampleTime(2027, 11, 1, 0, 0)))
            .WithResponseExample(StatusCodes.Status201Created, ExampleKey)
            .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status409Conflict, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status422UnprocessableEntity, StatusCodes.Status429TooManyRequests);

    /// <summary>The key of the OpenAPI examples of the key endpoints.</summary>
    internal static readonly AttestationKeyResponse ExampleKey = new(
        "op-colossus", "memphis-2026", ExamplePem, Instant.FromUtc(2026, 11, 1, 0, 0), Instant.FromUtc(2027, 11, 1, 0, 0),
        "op-colossus", Instant.FromUtc(2026, 11, 20, 9, 0));

    private const string ExamplePem = "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEHkHP3o0620oz9iqH1aOT2NIgTyYS\nJCOD0TdbRYn0EhTjcipPmrib0j+iuZRb37Opw1YYj90EobDk5bRyiyCUEg==\n-----END PUBLIC KEY-----";

    private static bool IsKeyId(string keyId) =>
        keyId is { Length: > 0 and <= 100 } && keyId.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '-');

    /// <summary>The PEM as the registry stores it: re-exported from the parsed key, so only a public P-256 key is ever kept.</summary>
    private static string PublicKeyPem(string pem)
    {
        static ApiProblemException Invalid(string detail) =>
            new(StatusCodes.Status422UnprocessableEntity, "invalid_public_key", "The key is not an ECDSA P-256 public key.", detail);
        if (string.IsNullOrWhiteSpace(pem) || pem.Length > MaxPemLength)
        {
            throw Invalid("Send one SubjectPublicKeyInfo PEM (-----BEGIN PUBLIC KEY-----).");
        }
        // A private key must never be accepted (and so never stored), even though it would import.
        if (!PemEncoding.TryFind(pem, out var fields) || pem[fields.Label] is not "PUBLIC KEY" || PemEncoding.TryFind(pem.AsSpan(fields.Location.End.Value), out _))
        {
            throw Invalid("Send exactly one PEM block labelled PUBLIC KEY, as openssl ec -pubout writes it.");
        }
        if (!AttestationSignatureVerifier.IsP256PublicKey(pem))
        {
            throw Invalid("The key must be on the P-256 curve (prime256v1).");
        }
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(pem);
        return ecdsa.ExportSubjectPublicKeyInfoPem();
    }
}
