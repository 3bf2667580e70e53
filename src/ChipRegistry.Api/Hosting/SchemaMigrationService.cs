using ChipRegistry.EventStore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ChipRegistry.Api.Hosting;

/// <summary>
/// Applies the store's migrations at startup, retrying while PostgreSQL is unreachable. Concurrent
/// hosts are safe: the store migrates under a transaction-scoped advisory lock.
/// </summary>
internal sealed class SchemaMigrationService(PostgresEventStore store, SchemaReadiness readiness, IOptions<RegistryOptions> options, ILogger<SchemaMigrationService> logger) : BackgroundService
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
