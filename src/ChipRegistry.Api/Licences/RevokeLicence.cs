using ChipRegistry.Api.Callers;
using ChipRegistry.Api.OpenApi;
using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Licences;
using ChipRegistry.Domain.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChipRegistry.Api.Licences;

public sealed record RevokeLicenceRequest(string Reason, DateOnly EffectiveFrom, NodaTime.OffsetDateTime? OccurredAt = null);

public static class RevokeLicenceEndpoint
{
    public static RouteHandlerBuilder MapRevokeLicence(this RouteGroupBuilder group) =>
        group.MapPost("/licences/{licenceId}/revoke", async Task<Ok<LicenceResponse>> (string licenceId, HttpContext context, CommandPipeline commands, RegistryReads reads, CancellationToken cancellationToken) =>
        {
            var body = await context.Request.ReadAsync<RevokeLicenceRequest>(cancellationToken);
            var command = new RevokeLicence(licenceId, body.Reason, CommandRequests.CalendarDate(body.EffectiveFrom, "effectiveFrom"), context.User.Actor(), context.BusinessTime(body.OccurredAt));
            var written = (await commands.HandleAsync(command, context.CommandMetadata(), cancellationToken)).EnsureAccepted();
            return TypedResults.Ok(await LicenceResponse.WithUsageAsync(reads, written.LicenceAfter(licenceId), cancellationToken));
        })
        .RequireAuthorization(policy => policy.RequireRole(LicenceEndpoints.AgencyRole))
        .Accepts<RevokeLicenceRequest>("application/json").WithName("RevokeLicence")
        .WithSummary("Revoke a licence from a date on (agency), with the reason; shipments citing it from then on fail the licence check.")
        .WithRequestExample(new RevokeLicenceRequest("diversion to an unlisted end user", new DateOnly(2026, 11, 20)))
        .WithResponseExample(StatusCodes.Status200OK, LicenceResponse.Example with { Revocation = new RevocationResponse("diversion to an unlisted end user", new DateOnly(2026, 11, 20), "bis") })
        .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict,
            StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status422UnprocessableEntity, StatusCodes.Status429TooManyRequests);
}
