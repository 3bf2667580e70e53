using ChipRegistry.Api.Callers;
using ChipRegistry.Api.OpenApi;
using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Detection.Thresholds;
using ChipRegistry.Domain.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime;

namespace ChipRegistry.Api.Detection.Thresholds;

public sealed record ChangeThresholdRequest(string Value, OffsetDateTime EffectiveFrom, string Reason);

public static class ChangeThresholdEndpoint
{
    public static RouteHandlerBuilder MapChangeThreshold(this RouteGroupBuilder group) =>
        group.MapPost("/{name}", async Task<Created<ThresholdChangeResponse>> (string name, HttpContext context, CommandPipeline commands, CancellationToken cancellationToken) =>
        {
            var body = await context.Request.ReadAsync<ChangeThresholdRequest>(cancellationToken);
            var command = new ChangeThreshold(name, body.Value, CommandRequests.ValidityTime(body.EffectiveFrom, "effectiveFrom"), body.Reason,
                context.User.Actor(), context.BusinessTime(null));
            var written = (await commands.HandleAsync(command, context.CommandMetadata(), cancellationToken)).EnsureAccepted();
            var change = written.Events.OfType<DetectionThresholdChanged>().Single();
            return TypedResults.Created("/api/v1/detection/thresholds", ThresholdChangeResponse.From(change));
        })
        .Accepts<ChangeThresholdRequest>("application/json").WithName("ChangeThreshold")
        .WithSummary("Change a detection threshold from an instant on (agency or admin): not before the latest clock tick (422 threshold_backdated), a value of the threshold's kind.")
        .WithRequestExample(new ChangeThresholdRequest("21", new LocalDateTime(2027, 1, 1, 0, 0).WithOffset(Offset.Zero), "BIS guidance of 2026-12-01: hubs re-export within three weeks"))
        .WithResponseExample(StatusCodes.Status201Created, ThresholdChangeResponse.Example)
        .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound,
            StatusCodes.Status409Conflict, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status422UnprocessableEntity,
            StatusCodes.Status429TooManyRequests);
}
