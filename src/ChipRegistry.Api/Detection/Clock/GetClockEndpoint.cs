using ChipRegistry.Api.OpenApi;
using ChipRegistry.Domain.Detection.Clock;
using ChipRegistry.EventStore;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace ChipRegistry.Api.Detection.Clock;

public static class GetClockEndpoint
{
    public static RouteHandlerBuilder MapGetClock(this RouteGroupBuilder group) =>
        group.MapGet("", async Task<Ok<ClockResponse>> (IEventStore store, IOptions<ClockOptions> options, CancellationToken cancellationToken) =>
        {
            var latest = await ClockCommands.LatestTickAsync(store, cancellationToken);
            return TypedResults.Ok(new ClockResponse(ClockResponse.ModeName(options.Value.Clock), latest?.At, latest?.Version ?? 0));
        })
        .WithName("GetClock")
        .WithSummary("The registry's time: the latest clock tick (null before the first), which deadline and window rules judge against, and the clock's mode.")
        .WithResponseExample(StatusCodes.Status200OK, ClockResponse.Example)
        .WithProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status429TooManyRequests);
}
