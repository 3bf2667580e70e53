using ChipRegistry.EventStore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ChipRegistry.Api.Hosting;

/// <summary>
/// Applies the store's migrations at startup (then upgrades chip_state rows of older versions), retrying while PostgreSQL is unreachable. Concurrent
/// hosts are safe: the store migrates under a transaction-scoped advisory lock.
/// </summary>
internal sealed class SchemaMigrationService(PostgresEventStore store, NpgsqlDataSource dataSource, SchemaReadiness readiness, IOptions<RegistryOptions> options, ILogger<SchemaMigrationService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.MigrateOnStartup)
        {
            logger.LogInformation("Migrations on startup are off; /health/ready stays unready until the schema is current.");
            return;
        }
        var delay = TimeSpan.FromMilliseconds(250);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var applied = await store.MigrateAsync(stoppingToken);
                logger.LogInformation("Schema {Schema} is current ({Count} migrations applied now).", store.Schema, applied.Count);
                // Rows of chip_state written before it kept the folded state are folded once, before anyone reads them.
                var upgraded = await Domain.Persistence.ChipStateUpgrade.RunAsync(dataSource, store, stoppingToken);
                if (upgraded > 0) logger.LogInformation("Folded {Count} chip_state rows written before they kept the state.", upgraded);
                readiness.MarkReady();
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException && !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("Cannot migrate yet ({Message}); retrying in {Delay}.", e.Message, delay);
                await Task.Delay(delay, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
    }
}
