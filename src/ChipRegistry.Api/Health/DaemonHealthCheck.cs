using ChipRegistry.Api.Hosting;
using ChipRegistry.EventStore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace ChipRegistry.Api.Health;

/// <summary>
/// The daemon's position as data: the high-water mark, whether it is stalled at a gap, each projection's
/// lag and halt. Lag never fails readiness; a stalled mark or a halted projection reports Degraded
/// (still 200), so a probe keeps the instance in rotation while the data says what to look at.
/// Health checks run side by side, so this one waits for the schema itself rather than racing the
/// migration's commit and reporting a missing table.
/// </summary>
internal sealed class DaemonHealthCheck(ProjectionDaemon daemon, SchemaReadiness schema) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!schema.WhenReady.IsCompleted)
        {
            return HealthCheckResult.Degraded("The daemon waits for the schema to be migrated.");
        }
        try
        {
            var health = await daemon.GetHealthAsync(cancellationToken);
            var data = new Dictionary<string, object>
            {
                ["highWaterMark"] = health.HighWaterMark,
                ["highestSeqId"] = health.HighestSeqId,
                ["markStalled"] = health.MarkStalled,
                ["skippedGaps"] = health.SkippedGaps,
                ["projections"] = health.Projections.ToDictionary(p => p.Name, p => (object)new
                {
                    p.Checkpoint, p.Lag, p.SequenceGap, p.BusinessLagSeconds, p.RecordedLagSeconds, p.Version, p.Halted, p.HaltedAtSeqId, p.DeadLetters, p.LeadingHere,
                }),
            };
            return health.MarkStalled || health.AnyHalted
                ? HealthCheckResult.Degraded(health.AnyHalted ? "A projection is halted on a dead letter." : "The high-water mark is stalled at a gap.", data: data)
                : HealthCheckResult.Healthy("The daemon is following the event log.", data);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return HealthCheckResult.Degraded($"The daemon's position cannot be read yet: {e.Message}", e);
        }
    }
}
