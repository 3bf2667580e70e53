using ChipRegistry.Api.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ChipRegistry.Api.Health;

/// <summary>Ready only once PostgreSQL answers a query.</summary>
internal sealed class DatabaseHealthCheck(IOptions<RegistryOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = new NpgsqlConnection(options.Value.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("select 1", connection);
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy("PostgreSQL answers.");
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or ArgumentException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL is not reachable.", e);
        }
    }
}
