using ChipRegistry.Api.Keys;

namespace ChipRegistry.Api.Detection.Clock;

/// <summary>The registry's clock: its latest tick for every caller, manual ticks for the registry's administrators.</summary>
public static class ClockEndpoints
{
    public const string ClockNotManual = "clock_not_manual";

    public static IEndpointRouteBuilder MapClockEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGroup("/api/v1/admin/clock-ticks").WithTags("Clock").RequireAuthorization(ApiKeyAuthentication.AdminPolicy).MapTickClock();
        endpoints.MapGroup("/api/v1/clock").WithTags("Clock").RequireAuthorization().MapGetClock();
        return endpoints;
    }
}

/// <summary>The latest tick: the registry's time as every deadline and window rule reads it (null before the first tick).</summary>
public sealed record ClockResponse(string Mode, NodaTime.Instant? LatestTick, long Version)
{
    public static readonly ClockResponse Example = new("hourly", NodaTime.Instant.FromUtc(2026, 12, 6, 5, 0), 412);

    public static string ModeName(ClockMode mode) => mode == ClockMode.Manual ? "manual" : "hourly";
}
