using ChipRegistry.Api.Callers;
using ChipRegistry.Api.OpenApi;
using ChipRegistry.Api.Problems;
using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Detection.Clock;
using ChipRegistry.Domain.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using NodaTime;

namespace ChipRegistry.Api.Detection.Clock;

public sealed record ClockTickRequest(OffsetDateTime At);

public static class TickClockEndpoint
{
    /// <summary>
    /// A manual tick: only in <see cref="ClockMode.Manual"/> mode, so a replay of history can interleave ticks with the
    /// acts it reports. The tick at the latest instant again is answered with that tick (200), an earlier one refused.
    /// </summary>
    public static RouteHandlerBuilder MapTickClock(this RouteGroupBuilder group) =>
        group.MapPost("", async Task<Results<Created<ClockResponse>, Ok<ClockResponse>>> (
            HttpContext context, CommandPipeline commands, IOptions<ClockOptions> options, IClock clock, CancellationToken cancellationToken) =>
        {
            var body = await context.Request.ReadAsync<ClockTickRequest>(cancellationToken);
            if (options.Value.Clock != ClockMode.Manual)
            {
                throw new ApiProblemException(StatusCodes.Status409Conflict, ClockEndpoints.ClockNotManual, "The registry's clock ticks by itself.",
                    "Registry:Clock is hourly: ticks come from the registry, not from requests. Run it with Registry:Clock=manual to tick by hand.");
            }
            var at = body.At.ToInstant();
            context.RequestServices.GetRequiredService<IOptions<BusinessTimeOptions>>().Value.Validate(at, clock.GetCurrentInstant(), "at");
            var tick = (await commands.TickAsync(new TickClock(at, context.User.Actor()), context.CommandMetadata(), cancellationToken)).EnsureAccepted();
            var answer = new ClockResponse(ClockResponse.ModeName(options.Value.Clock), tick.At, tick.Version);
            return tick.Appended ? TypedResults.Created("/api/v1/clock", answer) : TypedResults.Ok(answer);
        })
        .Accepts<ClockTickRequest>("application/json").WithName("TickClock")
        .WithSummary("Move the registry's time to an instant (admin; manual clock only): 201 with the new tick, 200 when it is the latest tick already, 409 for an earlier one.")
        .WithRequestExample(new ClockTickRequest(new LocalDateTime(2026, 12, 6, 5, 0).WithOffset(Offset.Zero)))
        .WithResponseExample(StatusCodes.Status201Created, ClockResponse.Example with { Mode = "manual" })
        .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status409Conflict,
            StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status422UnprocessableEntity, StatusCodes.Status429TooManyRequests);
}
