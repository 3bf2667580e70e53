using ChipRegistry.Api.Callers;
using ChipRegistry.Api.Keys;
using ChipRegistry.Api.OpenApi;
using ChipRegistry.Api.Problems;
using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.EventStore;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using NodaTime;

namespace ChipRegistry.Api.Attestations.SigningRequirements;

public sealed record SigningRequirementRequest(string OrganisationId, OffsetDateTime From);

public sealed record SigningRequirementResponse(string OrganisationId, Instant From, string RequiredBy);

/// <summary>
/// An agency (or the registry) requires an operator to sign every attestation from a date on; a later requirement
/// replaces an earlier one.
/// </summary>
internal static class SetSigningRequirement
{
    public static void Map(RouteGroupBuilder group) =>
        group.MapPost("/signing-requirements", async Task<Created<SigningRequirementResponse>> (
            HttpContext context, AttestationKeyStore keys, RegistryReads reads, IOptions<BusinessTimeOptions> businessTime, CancellationToken cancellationToken) =>
        {
            var body = await context.Request.ReadAsync<SigningRequirementRequest>(cancellationToken);
            AttestationInput.Id(body.OrganisationId, "organisationId", "invalid_organisation");
            var organisation = (await reads.LoadOrganisationAsync(body.OrganisationId, cancellationToken)).State;
            if (organisation is null || organisation.Kind != OrganisationKind.Operator)
            {
                throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "not_an_operator", "Only a registered operator can be required to sign.", $"{body.OrganisationId} is not a registered operator.");
            }
            var from = CommandRequests.ValidityTime(body.From, "from");
            if (from < Instant.FromDateTimeOffset(businessTime.Value.Earliest))
            {
                throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "business_time_out_of_range", "A business time is out of range.", $"from must not precede {businessTime.Value.Earliest:O}.");
            }
            var requiredBy = context.User.OrganisationId();
            await keys.RequireSigningAsync(new SigningRequired(body.OrganisationId, from, requiredBy), context.AppendMetadata(), cancellationToken);
            return TypedResults.Created((string?)null, new SigningRequirementResponse(body.OrganisationId, PostgresTime.Truncate(from), requiredBy));
        }).RequireAuthorization(AttestationEndpoints.RequirementPolicy).Accepts<SigningRequirementRequest>("application/json").WithName("RequireSigning")
            .WithSummary("Require an operator to sign every attestation it submits from a date on; its unsigned attestations are then refused (422 signature_required). A later requirement replaces an earlier one.")
            .WithRequestExample(new SigningRequirementRequest("op-colossus", AttestationInput.ExampleTime(2026, 12, 1, 0, 0)))
            .WithResponseExample(StatusCodes.Status201Created, new SigningRequirementResponse("op-colossus", Instant.FromUtc(2026, 12, 1, 0, 0), "bis"))
            .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status422UnprocessableEntity, StatusCodes.Status429TooManyRequests);
}
