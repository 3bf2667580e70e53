using ChipRegistry.Api.Callers;
using ChipRegistry.Api.OpenApi;
using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Gs1;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChipRegistry.Api.Gs1;

public sealed record MapGtinRequest(string Gtin, string ModelId, NodaTime.OffsetDateTime? OccurredAt = null);

public static class MapGtinEndpoint
{
    public static RouteHandlerBuilder MapMapGtin(this RouteGroupBuilder group) =>
        group.MapPost("/gtins", async Task<Created<GtinResponse>> (HttpContext context, CommandPipeline commands, CancellationToken cancellationToken) =>
        {
            var body = await context.Request.ReadAsync<MapGtinRequest>(cancellationToken);
            var modelId = RequestFields.Id(body.ModelId, "modelId");
            var command = new MapGtin(body.Gtin, modelId, context.User.Actor(), context.BusinessTime(body.OccurredAt));
            var written = (await commands.HandleAsync(command, context.CommandMetadata(), cancellationToken)).EnsureAccepted();
            var gtin = written.StateAfter<GtinMapping, GtinMapped>(StreamKeys.Gtin(body.Gtin), GtinMapping.Evolve);
            return TypedResults.Created($"/api/v1/gs1/gtins/{gtin.Gtin}", GtinResponse.From(gtin));
        })
        .RequireAuthorization(policy => policy.RequireRole(Callers.Callers.RoleOf(OrganisationKind.Manufacturer)))
        .Accepts<MapGtinRequest>("application/json").WithName("MapGtin")
        .WithSummary("Map a GTIN-14 under the calling manufacturer's granted prefix to one of its models; an SGTIN of that GTIN then names a chip of the model.")
        .WithRequestExample(new MapGtinRequest("10614141073464", "nvidia-h100-sxm"))
        .WithResponseExample(StatusCodes.Status201Created, GtinResponse.Example)
        .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound,
            StatusCodes.Status409Conflict, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status422UnprocessableEntity,
            StatusCodes.Status429TooManyRequests);
}
