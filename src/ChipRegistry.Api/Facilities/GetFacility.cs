using ChipRegistry.Api.OpenApi;
using ChipRegistry.Domain.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChipRegistry.Api.Facilities;

public static class GetFacilityEndpoint
{
    public static RouteHandlerBuilder MapGetFacility(this RouteGroupBuilder group) =>
        group.MapGet("/{facilityId}", async Task<Ok<FacilityResponse>> (string facilityId, HttpContext context, RegistryReads reads, CancellationToken cancellationToken) =>
            TypedResults.Ok(FacilityResponse.From(await reads.LoadVisibleAsync(facilityId, context.User, cancellationToken))))
        .RequireAuthorization(policy => policy.RequireRole(FacilityEndpoints.ReaderRoles))
        .WithName("GetFacility")
        .WithSummary("A facility with its declared power and clusters (its operator, agencies and the registry; other operators get 404).")
        .WithResponseExample(StatusCodes.Status200OK, FacilityResponse.Example)
        .WithProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status429TooManyRequests);
}
