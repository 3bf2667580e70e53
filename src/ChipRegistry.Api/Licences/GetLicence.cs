using ChipRegistry.Api.OpenApi;
using ChipRegistry.Domain.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChipRegistry.Api.Licences;

public static class GetLicenceEndpoint
{
    public static RouteHandlerBuilder MapGetLicence(this RouteGroupBuilder group) =>
        group.MapGet("/licences/{licenceId}", async Task<Ok<LicenceResponse>> (string licenceId, HttpContext context, RegistryReads reads, CancellationToken cancellationToken) =>
            TypedResults.Ok(LicenceResponse.From(await reads.LoadVisibleLicenceAsync(licenceId, context.User, cancellationToken))))
        .WithName("GetLicence")
        .WithSummary("A licence with its revocation, if any (agencies, the registry, and the holder, consignee and end user it names; others get 404).")
        .WithResponseExample(StatusCodes.Status200OK, LicenceResponse.Example)
        .WithProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound, StatusCodes.Status429TooManyRequests);
}
