using ChipRegistry.Api.Callers;
using ChipRegistry.Api.OpenApi;
using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Facilities;
using ChipRegistry.Domain.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChipRegistry.Api.Facilities;

public sealed record RegisterClusterRequest(string ClusterId, string Name, NodaTime.OffsetDateTime? OccurredAt = null);

public static class RegisterClusterEndpoint
{
    public static RouteHandlerBuilder MapRegisterCluster(this RouteGroupBuilder group) =>
        group.MapPost("/{facilityId}/clusters", async Task<Created<FacilityResponse>> (string facilityId, HttpContext context, CommandPipeline commands, RegistryReads reads, CancellationToken cancellationToken) =>
        {
            var body = await context.Request.ReadAsync<RegisterClusterRequest>(cancellationToken);
            RequestFields.NewId(body.ClusterId, "clusterId", "invalid_cluster");
            await reads.LoadVisibleAsync(facilityId, context.User, cancellationToken);
            var command = new RegisterCluster(facilityId, body.ClusterId, body.Name, context.User.Actor(), context.BusinessTime(body.OccurredAt));
            var written = (await commands.HandleAsync(command, context.CommandMetadata(), cancellationToken)).EnsureAccepted();
            var facility = written.FacilityAfter(facilityId);
            return TypedResults.Created($"/api/v1/facilities/{Uri.EscapeDataString(facilityId)}", FacilityResponse.From(facility));
        })
        .RequireAuthorization(policy => policy.RequireRole(FacilityEndpoints.OperatorRole))
        .Accepts<RegisterClusterRequest>("application/json").WithName("RegisterCluster")
        .WithSummary("Add a cluster to a facility (its operator only; other operators get 404).")
        .WithRequestExample(new RegisterClusterRequest("hall-a", "Hall A"))
        .WithResponseExample(StatusCodes.Status201Created, FacilityResponse.Example)
        .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict,
            StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status422UnprocessableEntity, StatusCodes.Status429TooManyRequests);
}
