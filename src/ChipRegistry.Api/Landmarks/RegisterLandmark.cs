using ChipRegistry.Api.Callers;
using ChipRegistry.Api.OpenApi;
using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Detection.Landmarks;
using ChipRegistry.Domain.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChipRegistry.Api.Landmarks;

public sealed record RegisterLandmarkRequest(string LandmarkId, string Name, decimal Latitude, decimal Longitude, NodaTime.OffsetDateTime? OccurredAt = null);

public static class RegisterLandmarkEndpoint
{
    public static RouteHandlerBuilder MapRegisterLandmark(this RouteGroupBuilder group) =>
        group.MapPost("", async Task<Created<LandmarkResponse>> (HttpContext context, CommandPipeline commands, CancellationToken cancellationToken) =>
        {
            var body = await context.Request.ReadAsync<RegisterLandmarkRequest>(cancellationToken);
            RequestFields.NewId(body.LandmarkId, "landmarkId", "invalid_landmark");
            var command = new RegisterLandmark(body.LandmarkId, body.Name, body.Latitude, body.Longitude, context.User.Actor(), context.BusinessTime(body.OccurredAt));
            var written = (await commands.HandleAsync(command, context.CommandMetadata(), cancellationToken)).EnsureAccepted();
            var landmark = written.StateAfter<Landmark, LandmarkRegistered>(StreamKeys.Landmark(body.LandmarkId), Landmark.Evolve);
            return TypedResults.Created($"/api/v1/landmarks/{Uri.EscapeDataString(landmark.Id)}", LandmarkResponse.From(landmark));
        })
        .RequireAuthorization(policy => policy.RequireRole(LandmarkEndpoints.AgencyRole))
        .Accepts<RegisterLandmarkRequest>("application/json").WithName("RegisterLandmark")
        .WithSummary("Register a landmark (agency): a point of known position whose round-trip times bound where a chip can be (rule 3).")
        .WithRequestExample(new RegisterLandmarkRequest("lm-sin-equinix-sg1", "Equinix SG1 probe", 1.3286m, 103.8918m))
        .WithResponseExample(StatusCodes.Status201Created, LandmarkResponse.Example)
        .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status409Conflict,
            StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status422UnprocessableEntity, StatusCodes.Status429TooManyRequests);
}
