using Npgsql;

namespace ChipRegistry.EventStore;

/// <summary>The append's open connection and transaction, lent to inline projections.</summary>
public sealed class ProjectionSession
{
    private readonly IReadOnlyDictionary<string, object> snapshots;
    private readonly EventReader reader;

    internal ProjectionSession(
        NpgsqlConnection connection, NpgsqlTransaction transaction, SchemaName schema, EventReader reader, IReadOnlyDictionary<string, object>? snapshots = null)
    {
        this.reader = reader;
        Connection = connection;
        Transaction = transaction;
        Schema = schema;
        this.snapshots = snapshots ?? new Dictionary<string, object>();
    }

    public NpgsqlConnection Connection { get; }

    public NpgsqlTransaction Transaction { get; }

    public SchemaName Schema { get; }

    /// <summary>
    /// The state the appending command loaded for <paramref name="streamKey"/> at the version it expected
    /// (<see cref="StreamAppend.Snapshot"/>), or null when it lent none: a projection then reads what it needs.
    /// </summary>
    public object? SnapshotOf(string streamKey) => snapshots.GetValueOrDefault(streamKey);

    /// <summary>
    /// A stream's events as this transaction sees them (the append's own included), for a projection that needs more
    /// than the state it keeps, e.g. a void that re-folds a chip's history.
    /// </summary>
    public Task<IReadOnlyList<StoredEvent>> ReadStreamAsync(string streamKey, CancellationToken cancellationToken) =>
        reader.ReadStreamAsync(Connection, Transaction, streamKey, 1, null, cancellationToken);

    public NpgsqlCommand CreateCommand(string sql) => new(sql, Connection, Transaction);

    public NpgsqlBatch CreateBatch() => new(Connection, Transaction);
}
