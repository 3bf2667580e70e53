using Npgsql;

namespace ChipRegistry.EventStore;

/// <summary>
/// The event store on PostgreSQL through Npgsql. <see cref="StartAsync"/> migrates the schema
/// (safe when several hosts start at once) and returns a store ready to append and read. The
/// data source belongs to the caller.
/// </summary>
public sealed class PostgresEventStore : IEventStore
{
    private readonly StoreContext context;
    private readonly SchemaMigrator migrator;
    private readonly StreamAppender appender;
    private readonly BulkStreamWriter bulk;
    private readonly EventReader reader;
    private readonly IdempotentResponses responses;

    private PostgresEventStore(NpgsqlDataSource dataSource, EventStoreOptions options)
    {
        context = new StoreContext(dataSource, SchemaName.Parse(options.Schema), options);
        migrator = new SchemaMigrator(dataSource, context.Schema, [.. EmbeddedMigrations.Store, .. options.AdditionalMigrations]);
        appender = new StreamAppender(context);
        bulk = new BulkStreamWriter(context);
        reader = new EventReader(context);
        responses = new IdempotentResponses(context);
    }

    public SchemaName Schema => context.Schema;

    public string NotificationChannel => context.Channel;

    /// <summary>Shared with the async daemon and the capped feed (Daemon/).</summary>
    internal StoreContext Context => context;

    /// <summary>Applies missing migrations, then returns the store.</summary>
    public static async Task<PostgresEventStore> StartAsync(NpgsqlDataSource dataSource, EventStoreOptions options, CancellationToken cancellationToken = default)
    {
        var store = Create(dataSource, options);
        await store.migrator.MigrateAsync(cancellationToken);
        return store;
    }

    /// <summary>A store that does not migrate: for a host that must not change the schema (ask <see cref="IsSchemaCurrentAsync"/>).</summary>
    public static PostgresEventStore Create(NpgsqlDataSource dataSource, EventStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(options);
        return new PostgresEventStore(dataSource, options);
    }

    /// <summary>Applies missing migrations; returns those it applied.</summary>
    public Task<IReadOnlyList<Migration>> MigrateAsync(CancellationToken cancellationToken = default) => migrator.MigrateAsync(cancellationToken);

    public Task<bool> IsSchemaCurrentAsync(CancellationToken cancellationToken = default) => migrator.IsCurrentAsync(cancellationToken);

    public Task<AppendResult> AppendAsync(StreamAppend append, AppendMetadata metadata, CancellationToken cancellationToken = default) =>
        appender.AppendAsync([append], metadata, cancellationToken);

    public Task<AppendResult> AppendAsync(IReadOnlyList<StreamAppend> appends, AppendMetadata metadata, CancellationToken cancellationToken = default) =>
        appender.AppendAsync(appends, metadata, cancellationToken);

    public Task<BulkAppendResult> StartStreamsAsync(string? streamType, IAsyncEnumerable<NewStream> streams, AppendMetadata metadata, CancellationToken cancellationToken = default) =>
        bulk.StartStreamsAsync(streamType, streams, metadata, cancellationToken);

    public Task<BulkAppendResult> StartStreamsAsync(string? streamType, IEnumerable<NewStream> streams, AppendMetadata metadata, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(streams);
        return bulk.StartStreamsAsync(streamType, streams.ToAsyncEnumerable(), metadata, cancellationToken);
    }

    public async Task<long> FetchStreamVersionAsync(string streamKey, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamKey);
        var versions = await StreamVersions.ReadAsync(context, [streamKey], cancellationToken);
        return versions.GetValueOrDefault(streamKey);
    }

    public Task<IReadOnlyList<string>> ListStreamKeysAsync(string streamType, string? afterKey, int limit, CancellationToken cancellationToken = default) =>
        reader.ListStreamKeysAsync(streamType, afterKey, limit, cancellationToken);

    public Task<IReadOnlyList<StoredEvent>> ReadStreamAsync(string streamKey, long fromVersion = 1, AsOf? asOf = null, CancellationToken cancellationToken = default) =>
        reader.ReadStreamAsync(streamKey, fromVersion, asOf, cancellationToken);

    public async Task<StreamAggregate<TState>> AggregateStreamAsync<TState>(string streamKey, TState seed, Func<TState, object, TState> evolve, AsOf? asOf = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(evolve);
        var events = await reader.ReadStreamAsync(streamKey, 1, asOf, cancellationToken);
        var state = seed;
        foreach (var e in events)
        {
            state = evolve(state, e.Data);
        }
        return new StreamAggregate<TState>(streamKey, state, events.Count > 0 ? events[^1].Version : 0);
    }

    /// <summary>
    /// The global feed after a sequence number, in sequence order. Internal until part 2 caps it
    /// at the high-water mark: below that mark a later commit can still fill a hole.
    /// </summary>
    internal Task<IReadOnlyList<StoredEvent>> ReadAllAsync(long afterSeqId, int limit, CancellationToken cancellationToken = default) =>
        reader.ReadAllAsync(afterSeqId, limit, cancellationToken);

    public Task<StoredResponse?> FindResponseAsync(string organisation, string key, byte[] requestHash, CancellationToken cancellationToken = default) =>
        responses.FindAsync(organisation, key, requestHash, cancellationToken);

    public Task SaveResponseAsync(string organisation, string key, byte[] requestHash, StoredResponse response, CancellationToken cancellationToken = default) =>
        responses.SaveAsync(organisation, key, requestHash, response, cancellationToken);

    /// <summary>Deletes idempotency keys and saved responses past their 30 days; returns how many.</summary>
    public Task<long> PurgeExpiredIdempotencyKeysAsync(CancellationToken cancellationToken = default) => responses.PurgeExpiredAsync(cancellationToken);
}
