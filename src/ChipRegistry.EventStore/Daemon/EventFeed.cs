using Npgsql;

namespace ChipRegistry.EventStore;

/// <summary>A page of the global feed and the high-water mark it was capped at.</summary>
public sealed record FeedPage(IReadOnlyList<StoredEvent> Events, long HighWaterMark)
{
    /// <summary>
    /// Where the next read continues: the last event's number after a full page; after a short
    /// page every event up to the mark was returned, so the mark.
    /// </summary>
    public long NextAfterSeqId(long after, int limit) =>
        Events.Count >= limit ? Events[^1].SeqId : Math.Max(after, HighWaterMark);
}

/// <summary>
/// The global feed for consumers: every event in sequence order, never past the high-water
/// mark, so a consumer that remembers its position never misses an event that commits late
/// with a lower number.
/// </summary>
public static class EventFeed
{
    /// <summary>Events with numbers above <paramref name="afterSeqId"/> and at or below the high-water mark, in one snapshot.</summary>
    public static async Task<FeedPage> ReadFeedAsync(this PostgresEventStore store, long afterSeqId, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var context = store.Context;
        var schema = context.Schema.Quoted;
        await using var connection = await context.DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        var mark = await HighWaterMark.ReadAsync(connection, transaction, context.Schema, cancellationToken);
        await using var command = new NpgsqlCommand(
            $"select {EventReader.Columns("e")} from {schema}.events e where e.seq_id > $1 and e.seq_id <= $2 order by e.seq_id limit $3",
            connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterSeqId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = mark });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        var events = await new EventReader(context).ReadAsync(command, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new FeedPage(events, mark);
    }
}
