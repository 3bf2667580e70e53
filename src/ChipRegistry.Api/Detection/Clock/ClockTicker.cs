using ChipRegistry.Api.Hosting;
using ChipRegistry.Domain.Detection.Clock;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Persistence;
using Microsoft.Extensions.Options;
using NodaTime;

namespace ChipRegistry.Api.Detection.Clock;

/// <summary>
/// The one place the wall clock enters the registry's time: in <see cref="ClockMode.Hourly"/> mode, at every whole
/// interval, the tick of that instant (on start, the tick of the interval just begun). Every host runs it; the clock
/// stream's expected version and the instant's idempotency key leave one tick per instant however many hosts race.
/// Missed intervals (the registry was down) are not filled in: rules judge against the latest tick, whatever fell due
/// before it.
/// </summary>
internal sealed partial class ClockTicker(
    CommandPipeline commands, SchemaReadiness schema, IClock clock, IOptions<ClockOptions> options, ILogger<ClockTicker> logger) : BackgroundService
{
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.Clock != ClockMode.Hourly) return;
        await schema.WhenReady.WaitAsync(stoppingToken);
        var interval = Duration.FromTimeSpan(options.Value.ClockInterval);
        while (!stoppingToken.IsCancellationRequested)
        {
            var due = Due(clock.GetCurrentInstant(), interval);
            try
            {
                var result = await commands.TickAsync(new TickClock(due, BuiltInOrganisations.RegistryAdmin), null, stoppingToken);
                if (result.Error is { } refused)
                {
                    // A later tick exists (recorded by a host whose clock runs ahead, or in manual mode before): nothing to do.
                    LogTickNotAppended(due, refused.Message);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogTickFailed(e, due);
                await Task.Delay(RetryAfterFailure, stoppingToken);
                continue;
            }
            var wait = (due + interval - clock.GetCurrentInstant()).ToTimeSpan();
            await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, stoppingToken);
        }
    }

    /// <summary>The latest whole multiple of <paramref name="interval"/> since the Unix epoch at or before <paramref name="now"/>.</summary>
    public static Instant Due(Instant now, Duration interval)
    {
        var ticks = now.ToUnixTimeTicks();
        var step = interval.BclCompatibleTicks;
        return Instant.FromUnixTimeTicks(ticks - (((ticks % step) + step) % step));
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "No clock tick at {Due}: {Reason}")]
    private partial void LogTickNotAppended(Instant due, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The clock tick at {Due} failed; trying again shortly.")]
    private partial void LogTickFailed(Exception exception, Instant due);
}
