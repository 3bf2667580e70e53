namespace ChipRegistry.EventStore;

/// <summary>
/// The event store as the domain and the API see it, in Marten's vocabulary: streams, appends
/// guarded by an expected version, folds, inline projections (configured in
/// <see cref="EventStoreOptions"/>). The seam a deployment with Marten could fill instead.
/// </summary>
public interface IEventStore
{
    /// <summary>The schema this store keeps its tables in.</summary>
    SchemaName Schema { get; }

    /// <summary>The NOTIFY channel that appends signal (per schema; channels are per database).</summary>
    string NotificationChannel { get; }

    /// <summary>True once every migration this store knows of (its own and the additional ones) is applied.</summary>
    Task<bool> IsSchemaCurrentAsync(CancellationToken cancellationToken = default);

    /// <summary>Appends to one stream, in one round trip when no inline projection is configured.</summary>
    Task<AppendResult> AppendAsync(StreamAppend append, AppendMetadata metadata, CancellationToken cancellationToken = default);

    /// <summary>Appends to many streams in one transaction: all or nothing, versions checked set-wise.</summary>
    Task<AppendResult> AppendAsync(IReadOnlyList<StreamAppend> appends, AppendMetadata metadata, CancellationToken cancellationToken = default);

    /// <summary>Creates many new streams in one transaction over binary COPY; none of them may exist.</summary>
    Task<BulkAppendResult> StartStreamsAsync(string? streamType, IAsyncEnumerable<NewStream> streams, AppendMetadata metadata, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="StartStreamsAsync(string?, IAsyncEnumerable{NewStream}, AppendMetadata, CancellationToken)"/>
    Task<BulkAppendResult> StartStreamsAsync(string? streamType, IEnumerable<NewStream> streams, AppendMetadata metadata, CancellationToken cancellationToken = default);

    /// <summary>A stream's version (0 when it does not exist).</summary>
    Task<long> FetchStreamVersionAsync(string streamKey, CancellationToken cancellationToken = default);

    /// <summary>
    /// The keys of the streams of one type, in key order (as the database sorts them), after
    /// <paramref name="afterKey"/> (null: from the first), at most <paramref name="limit"/>: a keyset page over a type.
    /// </summary>
    Task<IReadOnlyList<string>> ListStreamKeysAsync(string streamType, string? afterKey, int limit, CancellationToken cancellationToken = default);

    /// <summary>A stream's events from a version on, in order; optionally cut as of an instant.</summary>
    Task<IReadOnlyList<StoredEvent>> ReadStreamAsync(string streamKey, long fromVersion = 1, AsOf? asOf = null, CancellationToken cancellationToken = default);

    /// <summary>Folds a stream's event data into state, optionally only the events as of an instant.</summary>
    Task<StreamAggregate<TState>> AggregateStreamAsync<TState>(string streamKey, TState seed, Func<TState, object, TState> evolve, AsOf? asOf = null, CancellationToken cancellationToken = default);

    /// <summary>The response saved under an Idempotency-Key, or null; another request under the key throws.</summary>
    Task<StoredResponse?> FindResponseAsync(string organisation, string key, byte[] requestHash, CancellationToken cancellationToken = default);

    /// <summary>Keeps a response for 30 days under the organisation's Idempotency-Key and the request's hash.</summary>
    Task SaveResponseAsync(string organisation, string key, byte[] requestHash, StoredResponse response, CancellationToken cancellationToken = default);
}
