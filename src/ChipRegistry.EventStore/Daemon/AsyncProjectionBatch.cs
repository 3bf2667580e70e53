using Npgsql;

namespace ChipRegistry.EventStore;

/// <summary>
/// One batch for an async projection: the events with sequence numbers in
/// (<see cref="AfterSeqId"/>, <see cref="ThroughSeqId"/>], all committed (the range is at or
/// below the high-water mark), and the transaction that will commit the projection's writes
/// together with its new checkpoint.
/// </summary>
public sealed class AsyncProjectionBatch
{
    private readonly IReadOnlyDictionary<string, string> tables;

    internal AsyncProjectionBatch(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        SchemaName schema,
        IReadOnlyDictionary<string, string> tables,
        long afterSeqId,
        long throughSeqId,
        IReadOnlyList<StoredEvent> events,
        bool rebuilding)
    {
        Connection = connection;
        Transaction = transaction;
        Schema = schema;
        this.tables = tables;
        AfterSeqId = afterSeqId;
        ThroughSeqId = throughSeqId;
        Events = events;
        Rebuilding = rebuilding;
    }

    public NpgsqlConnection Connection { get; }

    public NpgsqlTransaction Transaction { get; }

    public SchemaName Schema { get; }

    /// <summary>The batch covers sequence numbers above this one...</summary>
    public long AfterSeqId { get; }

    /// <summary>...up to and including this one.</summary>
    public long ThroughSeqId { get; }

    /// <summary>The events of the range in sequence order (empty for a projection that does not read events).</summary>
    public IReadOnlyList<StoredEvent> Events { get; }

    /// <summary>True while a rebuild replays into shadow tables.</summary>
    public bool Rebuilding { get; }

    /// <summary>The quoted, schema-qualified name to write one of the projection's tables under (a shadow during a rebuild).</summary>
    public string Table(string name) =>
        tables.TryGetValue(name, out var actual)
            ? $"{Schema.Quoted}.\"{actual}\""
            : throw new ArgumentException($"'{name}' is not one of the projection's declared tables.", nameof(name));

    /// <summary>The store's events table, for set-based projections that read their range in SQL.</summary>
    public string EventsTable => $"{Schema.Quoted}.events";

    /// <summary>The store's streams table.</summary>
    public string StreamsTable => $"{Schema.Quoted}.streams";

    public NpgsqlCommand CreateCommand(string sql) => new(sql, Connection, Transaction);

    public NpgsqlBatch CreateBatch() => new(Connection, Transaction);
}
