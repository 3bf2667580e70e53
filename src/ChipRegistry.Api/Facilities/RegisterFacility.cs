using ChipRegistry.Api.Callers;
using ChipRegistry.Api.OpenApi;
using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Facilities;
using ChipRegistry.Domain.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChipRegistry.Api.Facilities;

public sealed record RegisterFacilityRequest(
    string FacilityId, string Name, string Country, decimal Latitude, decimal Longitude, decimal DeclaredPowerMw, NodaTime.OffsetDateTime? OccurredAt = null);

public static class RegisterFacilityEndpoint
{
    public static RouteHandlerBuilder MapRegisterFacility(this RouteGroupBuilder group) =>
        group.MapPost("", async Task<Created<FacilityResponse>> (HttpContext context, CommandPipeline commands, CancellationToken cancellationToken) =>
        {
            var body = await context.Request.ReadAsync<RegisterFacilityRequest>(cancellationToken);
            RequestFields.NewId(body.FacilityId, "facilityId", "invalid_facility");
            if (string.IsNullOrWhiteSpace(body.Name))
            {
                throw new Problems.ApiProblemException(StatusCodes.Status422UnprocessableEntity, "invalid_facility", "A facility has a name.");
            }
            var command = new RegisterFacility(body.FacilityId, body.Name, body.Country, body.Latitude, body.Longitude, body.DeclaredPowerMw,
                context.User.Actor(), context.BusinessTime(body.OccurredAt));
            var written = (await commands.HandleAsync(command, context.CommandMetadata(), cancellationToken)).EnsureAccepted();
            var facility = written.FacilityAfter(body.FacilityId);
            return TypedResults.Created($"/api/v1/facilities/{Uri.EscapeDataString(facility.Id)}", FacilityResponse.From(facility));
        })
        .RequireAuthorization(policy => policy.RequireRole(FacilityEndpoints.OperatorRole))
        .Accepts<RegisterFacilityRequest>("application/json").WithName("RegisterFacility")
        .WithSummary("Register a facility (operator); the caller becomes its operator.")
        .WithRequestExample(new RegisterFacilityRequest("colossus-memphis", "Colossus, Memphis", "US", 35.0613m, -90.1543m, 150m))
        .WithResponseExample(StatusCodes.Status201Created, FacilityResponse.Example with { DeclaredPowerMw = 150m, Clusters = [] })
        .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status409Conflict,
            StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status422UnprocessableEntity, StatusCodes.Status429TooManyRequests);
}
