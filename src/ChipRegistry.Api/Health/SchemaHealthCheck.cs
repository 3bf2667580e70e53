using ChipRegistry.EventStore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace ChipRegistry.Api.Health;

/// <summary>Ready only once every migration the store knows of is applied.</summary>
internal sealed class SchemaHealthCheck(IEventStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            return await store.IsSchemaCurrentAsync(cancellationToken)
                ? HealthCheckResult.Healthy($"Schema {store.Schema} is current.")
                : HealthCheckResult.Unhealthy($"Schema {store.Schema} has migrations still to apply.");
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("The schema cannot be checked: PostgreSQL is not reachable.", e);
        }
    }
}
