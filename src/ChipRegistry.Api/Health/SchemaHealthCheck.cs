using ChipRegistry.EventStore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace ChipRegistry.Api.Health;

/// <summary>Ready only once every migration the store knows of is applied and this instance has made the schema ready (its projection tables exist).</summary>
internal sealed class SchemaHealthCheck(IEventStore store, Hosting.SchemaReadiness readiness) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            if (!await store.IsSchemaCurrentAsync(cancellationToken))
            {
                return HealthCheckResult.Unhealthy($"Schema {store.Schema} has migrations still to apply.");
            }
            return readiness.WhenReady.IsCompleted
                ? HealthCheckResult.Healthy($"Schema {store.Schema} is current.")
                : HealthCheckResult.Unhealthy($"Schema {store.Schema} is current; this instance is still creating the projection tables.");
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("The schema cannot be checked: PostgreSQL is not reachable.", e);
        }
    }
}
