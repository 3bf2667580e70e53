using ChipRegistry.Api.OpenApi;
using ChipRegistry.Domain.Detection.Clock;
using ChipRegistry.Domain.Detection.Thresholds;
using ChipRegistry.EventStore;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChipRegistry.Api.Detection.Thresholds;

public static class ListThresholdsEndpoint
{
    public static RouteHandlerBuilder MapListThresholds(this RouteGroupBuilder group) =>
        group.MapGet("", async Task<Ok<ThresholdListResponse>> (IEventStore store, CancellationToken cancellationToken) =>
        {
            var latest = await ClockCommands.LatestTickAsync(store, cancellationToken);
            var changes = await ThresholdCommands.LoadAllAsync(store, cancellationToken);
            var calendar = new ThresholdCalendar();
            foreach (var change in changes.Values.SelectMany(c => c))
            {
                calendar.Apply(change);
            }
            var thresholds = DetectionThresholds.All.Select(t =>
            {
                var recorded = changes.TryGetValue(t.Name, out var list) ? list : [];
                var value = latest is null ? t.Default : calendar.TextAt(t.Name, latest.At);
                return new ThresholdResponse(t.Name, t.Rule, t.Kind.ToString().ToLowerInvariant(), t.Unit, t.Default, t.Meaning, value,
                    [.. recorded.Select(ThresholdChangeResponse.From)]);
            });
            return TypedResults.Ok(new ThresholdListResponse(latest?.At, [.. thresholds]));
        })
        .WithName("ListThresholds")
        .WithSummary("Every detection threshold: its catalogue entry, the value in force at the latest clock tick (inForceAt; the default before any tick) and its recorded changes.")
        .WithResponseExample(StatusCodes.Status200OK, ThresholdListResponse.Example)
        .WithProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status429TooManyRequests);
}
