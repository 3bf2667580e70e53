using ChipRegistry.Api.Callers;
using ChipRegistry.Api.Chips.Lifecycle;
using ChipRegistry.Api.OpenApi;
using ChipRegistry.Api.Problems;
using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChipRegistry.Api.Chips.Observations;

/// <summary>
/// A report about a chip by anyone: a sighting, an inspection, a custody claim by someone the chip's record does
/// not name. <see cref="Kind"/> says what it is (<c>sighting</c>, <c>customs_inspection</c>, ...).
/// </summary>
public sealed record ObservationRequest(string ChipId, string Kind, string Details, string? FacilityId = null, string? Country = null, NodaTime.OffsetDateTime? OccurredAt = null);

/// <summary>The same for every chip, known or not, visible or not: the observation's id.</summary>
public sealed record ObservationAccepted(Guid ObservationId);

/// <summary>
/// <c>POST /api/v1/observations</c>: third-party reports, appended as <see cref="ChipObserved"/> events whatever the
/// chip's state (the domain marks them conflicting where they contradict it). The answer is 202 with the same body
/// for an unknown, a hidden and a visible chip, so this endpoint tells nobody whether a serial exists.
/// </summary>
public static class ObservationEndpoints
{
    public static IEndpointRouteBuilder MapObservationEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGroup("/api/v1/observations").WithTags("Observations").RequireAuthorization(ChipPolicies.Observer)
            .MapPost("", async Task<Accepted<ObservationAccepted>> (HttpContext http, ChipPipeline chips, RegistryReads reads, CancellationToken cancellationToken) =>
            {
                var body = await RequestJson.ReadAsync<ObservationRequest>(http.Request, CommandRequests.Json, cancellationToken);
                if (!ChipIds.IsWellFormed(body.ChipId))
                {
                    throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, ChipErrors.InvalidChip, "The chip id is not a registry chip id.",
                        "chipId is the manufacturer's id, a colon and the serial, e.g. nvidia:1652223004561.");
                }
                var kind = RequestFields.Id(body.Kind, "kind");
                var details = RequestFields.Text(body.Details, "details");
                var facilityId = RequestFields.OptionalId(body.FacilityId, "facilityId");
                var country = body.Country is null ? null : RequestFields.Country(body.Country, "country");
                var at = http.BusinessTime(body.OccurredAt);
                // Serials are case-insensitive: the observation goes to the chip as registered, whatever the case sent.
                var chipId = (await reads.RegisteredChipIdsAsync([body.ChipId], cancellationToken))[body.ChipId];
                var observation = new ReportChipObservation(Guid.CreateVersion7(), chipId, kind, facilityId, country, details, http.User.Actor(), at);
                (await chips.HandleAsync(observation, http.CommandMetadata(), cancellationToken)).EnsureAccepted();
                return TypedResults.Accepted((string?)null, new ObservationAccepted(observation.EventId));
            })
            .Accepts<ObservationRequest>("application/json")
            .WithName("ReportChipObservation")
            .WithSummary("Report a sighting or statement about any chip; it is kept as an observation, and the answer never says whether the chip exists.")
            .WithRequestExample(new ObservationRequest("nvidia:1652223004561", "customs_inspection", "crate declared as network switches, opened at Jebel Ali", Country: "AE",
                OccurredAt: ChipLifecycleEndpoints.ExampleTime))
            .WithResponseExample(StatusCodes.Status202Accepted, new ObservationAccepted(Guid.Parse("0193a5e2-7c1d-7b3e-9f10-2c4d5e6f7a8b")))
            .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status413PayloadTooLarge,
                StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status422UnprocessableEntity, StatusCodes.Status429TooManyRequests);
        return endpoints;
    }
}
