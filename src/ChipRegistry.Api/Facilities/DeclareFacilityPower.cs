using ChipRegistry.Api.Callers;
using ChipRegistry.Api.OpenApi;
using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Facilities;
using ChipRegistry.Domain.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChipRegistry.Api.Facilities;

public sealed record DeclareFacilityPowerRequest(decimal DeclaredPowerMw, NodaTime.OffsetDateTime? OccurredAt = null);

public static class DeclareFacilityPowerEndpoint
{
    public static RouteHandlerBuilder MapDeclareFacilityPower(this RouteGroupBuilder group) =>
        group.MapPost("/{facilityId}/power", async Task<Ok<FacilityResponse>> (string facilityId, HttpContext context, CommandPipeline commands, RegistryReads reads, CancellationToken cancellationToken) =>
        {
            var body = await context.Request.ReadAsync<DeclareFacilityPowerRequest>(cancellationToken);
            await reads.LoadVisibleAsync(facilityId, context.User, cancellationToken);
            var command = new DeclareFacilityPower(facilityId, body.DeclaredPowerMw, context.User.Actor(), context.BusinessTime(body.OccurredAt));
            var written = (await commands.HandleAsync(command, context.CommandMetadata(), cancellationToken)).EnsureAccepted();
            return TypedResults.Ok(FacilityResponse.From(written.FacilityAfter(facilityId)));
        })
        .RequireAuthorization(policy => policy.RequireRole(FacilityEndpoints.OperatorRole))
        .Accepts<DeclareFacilityPowerRequest>("application/json").WithName("DeclareFacilityPower")
        .WithSummary("Declare the facility's power in MW (its operator only; other operators get 404).")
        .WithRequestExample(new DeclareFacilityPowerRequest(300m))
        .WithResponseExample(StatusCodes.Status200OK, FacilityResponse.Example)
        .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound,
            StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status422UnprocessableEntity, StatusCodes.Status429TooManyRequests);
}
