using ChipRegistry.EventStore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ChipRegistry.Api.Hosting;

/// <summary>
/// Makes the schema ready at startup, retrying while PostgreSQL is unreachable: applies the store's migrations (or, when
/// a locked-down deployment migrates separately, waits until someone has), upgrades chip_state rows of older versions,
/// then creates the daemon's projection tables. Only then is the schema ready: a read of a projection must never find
/// its table missing because the daemon had not started yet. Concurrent hosts are safe: the store migrates, and the
/// daemon creates its tables, under transaction-scoped advisory locks.
/// </summary>
internal sealed class SchemaMigrationService(
    PostgresEventStore store, NpgsqlDataSource dataSource, SchemaReadiness readiness, IServiceProvider services, IOptions<RegistryOptions> options,
    ILogger<SchemaMigrationService> logger) : BackgroundService
{
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var migrate = options.Value.MigrateOnStartup;
        if (!migrate)
        {
            logger.LogInformation("Migrations on startup are off; /health/ready stays unready until the schema is current.");
        }
        var delay = TimeSpan.FromMilliseconds(250);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (migrate)
                {
                    var applied = await store.MigrateAsync(stoppingToken);
                    logger.LogInformation("Schema {Schema} is current ({Count} migrations applied now).", store.Schema, applied.Count);
                }
                else if (!await store.IsSchemaCurrentAsync(stoppingToken))
                {
                    await Task.Delay(delay, stoppingToken);
                    delay = Longer(delay);
                    continue;
                }
                // Rows of chip_state written before it kept the folded state are folded once, before anyone reads them.
                var upgraded = await Domain.Persistence.ChipStateUpgrade.RunAsync(dataSource, store, stoppingToken);
                if (upgraded > 0) logger.LogInformation("Folded {Count} chip_state rows written before they kept the state.", upgraded);
                if (services.GetService<ProjectionDaemon>() is { } daemon) await daemon.PrepareAsync(stoppingToken);
                readiness.MarkReady();
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException && !stoppingToken.IsCancellationRequested)
            {
                readiness.NoteFailure(e);
                logger.LogWarning("Cannot make the schema ready yet ({Message}); retrying in {Delay}.", e.Message, delay);
                await Task.Delay(delay, stoppingToken);
                delay = Longer(delay);
            }
        }
    }

    private static TimeSpan Longer(TimeSpan delay) => TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxDelay.Ticks));
}
