using ChipRegistry.Api.Callers;
using ChipRegistry.Api.Chips;
using ChipRegistry.Api.Chips.Lifecycle;
using ChipRegistry.Api.OpenApi;
using ChipRegistry.Api.Problems;
using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using NodaTime;

namespace ChipRegistry.Api.Attestations.Chips;

/// <summary>One chip's location, attested by the operator of the facility it is installed in.</summary>
public sealed record ChipAttestationRequest(
    string FacilityId, string Method, OffsetDateTime? OccurredAt = null, decimal? RoundTripMs = null, string? LandmarkId = null,
    string? Nonce = null, string? KeyId = null, string? Signature = null, bool? MeasuredByLandmark = null);

public sealed record ChipAttestationResponse(string ChipId, Guid EventId, string FacilityId, string Signature, long Version);

/// <summary>
/// The installing operator attests an installed chip's location, optionally signed; the signature's result is
/// recorded in the event (an attestation is evidence either way) unless the operator must sign and did not.
/// </summary>
internal static class AttestChip
{
    public static void Map(RouteGroupBuilder group) =>
        group.MapPost("/chips/{chipId}/attestations", async Task<Created<ChipAttestationResponse>> (
            string chipId, HttpContext context, ChipPipeline chips, AttestationSigning signing, IClock clock,
            IOptions<BusinessTimeOptions> businessTime, CancellationToken cancellationToken) =>
        {
            var body = await context.Request.ReadAsync<ChipAttestationRequest>(cancellationToken);
            var actor = context.User.Actor();
            var now = clock.GetCurrentInstant();
            AttestationInput.Id(body.FacilityId, "facilityId", "invalid_id");
            var fields = AttestationInput.Validate(body.Method, body.RoundTripMs, body.LandmarkId, body.OccurredAt, body.Signature is not null, now, businessTime.Value,
                body.MeasuredByLandmark == true);
            var input = AttestationInput.Signature(body.Nonce, body.KeyId, body.Signature);
            var expectedVersion = IfMatch.ExpectedVersion(context.Request);

            var eventId = Guid.CreateVersion7();
            var payload = AttestationPayload.ForChip(chipId, body.FacilityId, fields.Method, body.RoundTripMs, body.LandmarkId, body.Nonce, fields.OccurredAt);
            var (version, signature) = await AttestationChips.RecordChipAsync(chips, signing, input, chipId, eventId, actor, expectedVersion,
                state =>
                {
                    if (state.Stage != ChipStage.Installed || state.Installation!.OperatorId != actor.OrganisationId)
                    {
                        throw state.Stage != ChipStage.Installed && state.CustodianId == actor.OrganisationId
                            ? DomainProblems.ToProblem(new DomainError(ChipErrors.ChipNotInstalled, "only an installed chip's location is attested"))
                            : DomainProblems.ToProblem(new DomainError(ChipErrors.NotFacilityOperator, "only the operator of the facility the chip is installed in attests its location"));
                    }
                    // An attestation somewhere else is a third party's kind of report (an observation), never this endpoint's.
                    if (state.Installation.FacilityId != body.FacilityId)
                    {
                        throw new ApiProblemException(StatusCodes.Status409Conflict, "chip_not_at_facility", "The chip is not installed at this facility.", $"The registry has it installed at {state.Installation.FacilityId}.");
                    }
                },
                () => signing.DecideAsync(actor.OrganisationId, payload, input, eventId, now, cancellationToken),
                signature => new AttestChipLocation(eventId, chipId, body.FacilityId, fields.Method, body.RoundTripMs, body.LandmarkId, signature, actor, fields.OccurredAt,
                    body.MeasuredByLandmark == true),
                context.CommandMetadata(), cancellationToken);
            return ChipWriteResults.Created(context, version, new ChipAttestationResponse(chipId, eventId, body.FacilityId, AttestationEndpoints.NameOf(signature), version));
        }).RequireAuthorization(AttestationEndpoints.OperatorPolicy).Accepts<ChipAttestationRequest>("application/json").WithName("AttestChipLocation")
            .WithSummary("The installing operator attests an installed chip's location, optionally signed; the signature's result (valid, invalid, unsigned, unknown_key, replayed) is recorded in the event and returned.")
            .WithRequestExample(new ChipAttestationRequest("fac-memphis-1", "rtt", AttestationInput.ExampleTime(2026, 11, 20, 10, 0), 1.5m, "landmark-atl-3",
                "Gx3v0q9Jb1mJm2xk6WbQ7d1YtC5f0aRz", "memphis-2026", "MEUCIQC7GCI9AE3lsC/TvDLIy3YSoscNL2ppYlruu2OnMBpUjwIgTbQ3+WQgC7pEFlzPYFS1O6C8xPbKXhTCMYXJ18B0qKo="))
            .WithResponseExample(StatusCodes.Status201Created, new ChipAttestationResponse("nvidia:1652223004561", Guid.Parse("0b8e3f4e-6c55-4d6f-9a43-2f1f8b7d9c10"), "fac-memphis-1", "valid", 9))
            .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status412PreconditionFailed, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status422UnprocessableEntity, StatusCodes.Status429TooManyRequests);
}
