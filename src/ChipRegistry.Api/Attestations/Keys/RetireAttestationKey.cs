using ChipRegistry.Api.Callers;
using ChipRegistry.Api.Keys;
using ChipRegistry.Api.OpenApi;
using ChipRegistry.Api.Problems;
using ChipRegistry.Api.Requests;
using ChipRegistry.EventStore;
using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime;

namespace ChipRegistry.Api.Attestations.Keys;

public sealed record RetireAttestationKeyRequest(OffsetDateTime? ValidUntil = null);

/// <summary>An operator ends one of its keys' validity (now, or at a given time); retiring only ever shortens it.</summary>
internal static class RetireAttestationKey
{
    public static void Map(RouteGroupBuilder group) =>
        group.MapPost("/attestation-keys/{keyId}/retire", async Task<Ok<AttestationKeyResponse>> (
            string keyId, HttpContext context, AttestationKeyStore keys, IClock clock, CancellationToken cancellationToken) =>
        {
            var body = await context.Request.ReadAsync<RetireAttestationKeyRequest>(cancellationToken);
            var organisationId = context.User.OrganisationId();
            // Another operator's key answers exactly as an unknown one.
            var key = await keys.FindAsync(organisationId, keyId, cancellationToken)
                ?? throw new ApiProblemException(StatusCodes.Status404NotFound, "attestation_key_not_found", "No such attestation key.");
            var until = body.ValidUntil is { } requested ? CommandRequests.ValidityTime(requested, "validUntil") : clock.GetCurrentInstant();
            if (until <= key.ValidFrom)
            {
                throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "invalid_validity", "A key's validity must end after it starts.", "validUntil must be later than the key's validFrom.");
            }
            // Retiring only ever shortens a key's validity; a later date than the current end changes nothing.
            if (key.ValidUntil is { } current && current <= until)
            {
                return TypedResults.Ok(key);
            }
            await keys.RetireAsync(new AttestationKeyRetired(organisationId, keyId, until, organisationId), context.AppendMetadata(), cancellationToken);
            return TypedResults.Ok(key with { ValidUntil = PostgresTime.Truncate(until) });
        }).RequireAuthorization(AttestationEndpoints.OperatorPolicy).Accepts<RetireAttestationKeyRequest>("application/json").WithName("RetireAttestationKey")
            .WithSummary("End one of the caller's keys' validity (now, or at validUntil); signatures by it after that are unknown_key.")
            .WithRequestExample(new RetireAttestationKeyRequest(AttestationInput.ExampleTime(2026, 11, 21, 0, 0)))
            .WithResponseExample(StatusCodes.Status200OK, RegisterAttestationKey.ExampleKey with { ValidUntil = Instant.FromUtc(2026, 11, 21, 0, 0) })
            .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status422UnprocessableEntity, StatusCodes.Status429TooManyRequests);
}
