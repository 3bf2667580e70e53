using ChipRegistry.Api.OpenApi;
using ChipRegistry.Domain.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChipRegistry.Api.Licences;

public static class GetLicenceEndpoint
{
    public static RouteHandlerBuilder MapGetLicence(this RouteGroupBuilder group) =>
        group.MapGet("/licences/{licenceId}", async Task<Ok<LicenceResponse>> (string licenceId, HttpContext context, RegistryReads reads, CancellationToken cancellationToken) =>
        {
            var licence = await reads.LoadVisibleLicenceAsync(licenceId, context.User, cancellationToken);
            return TypedResults.Ok(await LicenceResponse.WithUsageAsync(reads, licence, cancellationToken));
        })
        .WithName("GetLicence")
        .WithSummary("A licence with its revocation, if any, and its usage: chips shipped citing its number and what remains of its quantity (agencies, the registry, and the holder, consignee and end user it names; others get 404).")
        .WithResponseExample(StatusCodes.Status200OK, LicenceResponse.Example)
        .WithProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound, StatusCodes.Status429TooManyRequests);
}
