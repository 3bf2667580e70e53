using System.Security.Cryptography;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.Domain.Projections;
using ChipRegistry.EventStore;
using ChipRegistry.World.Sinks;
using Npgsql;

namespace ChipRegistry.World.Tests;

/// <summary>
/// A world generated into a schema of its own while the async daemon runs beside it, as the API hosts it (every
/// registry projection, applied batch by batch as the generator appends), then caught up.
/// </summary>
public sealed class IncrementalWorld(PostgresEventStore store, ProjectionDaemon daemon, WorldReport report, NpgsqlDataSource dataSource) : IAsyncDisposable
{
    public PostgresEventStore Store => store;

    public ProjectionDaemon Daemon => daemon;

    public WorldReport Report => report;

    public NpgsqlDataSource DataSource => dataSource;

    /// <param name="ticks">whether the world moves the store's detection clock as its time goes on (the deadline rules judge only at ticks)</param>
    public static async Task<IncrementalWorld> GenerateAsync(NpgsqlDataSource dataSource, WorldSettings settings, CancellationToken cancellationToken, bool ticks = false)
    {
        var schema = $"world_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5))}";
        var store = await PostgresEventStore.StartAsync(dataSource, DomainStore.Options(schema), cancellationToken);
        var daemon = new ProjectionDaemon(store, new ProjectionDaemonOptions { Projections = RegistryProjections.All() });
        await daemon.StartAsync(cancellationToken);
        try
        {
            var report = await WorldGenerator.GenerateAsync(
                new PipelineSink(new CommandPipeline(new RegistryReads(store, dataSource)), ticks), settings, cancellationToken: cancellationToken);
            await daemon.WaitForCatchUpAsync(cancellationToken);
            return new IncrementalWorld(store, daemon, report, dataSource);
        }
        catch
        {
            await daemon.StopAsync(CancellationToken.None);
            daemon.Dispose();
            throw;
        }
    }

    /// <summary>Every event, stream by stream in the order of record, as the brute-force folds take them.</summary>
    public async Task<IReadOnlyList<(string StreamKey, IDomainEvent Event)>> RecordedAsync(CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        await using (var command = dataSource.CreateCommand($"select key from {store.Schema.Quoted}.streams order by key"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken)) keys.Add(reader.GetString(0));
        }
        var recorded = new List<(string, IDomainEvent)>();
        foreach (var key in keys)
        {
            recorded.AddRange((await store.ReadStreamAsync(key, cancellationToken: cancellationToken)).Select(e => (key, (IDomainEvent)e.Data)));
        }
        return recorded;
    }

    public async ValueTask DisposeAsync()
    {
        await daemon.StopAsync(CancellationToken.None);
        daemon.Dispose();
    }
}
