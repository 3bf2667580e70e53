using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace ChipRegistry.EventStore;

/// <summary>Reads stored events: a stream from a version, optionally cut as of an instant, and the global feed; and the keys of the streams of a type.</summary>
internal sealed class EventReader(StoreContext context)
{
    private string Events => $"{context.Schema.Quoted}.events";

    public static string Columns(string alias) =>
        string.Join(", ", new[] { "seq_id", "event_id", "stream_key", "version", "type", "data", "occurred_at", "recorded_at", "acting_organisation", "correlation_id", "causation_id", "idempotency_key" }
            .Select(c => $"{alias}.{c}"));

    public async Task<IReadOnlyList<StoredEvent>> ReadStreamAsync(string streamKey, long fromVersion, AsOf? asOf, CancellationToken cancellationToken)
    {
        await using var connection = await context.DataSource.OpenConnectionAsync(cancellationToken);
        return await ReadStreamAsync(connection, null, streamKey, fromVersion, asOf, cancellationToken);
    }

    /// <summary>The same read on a connection (and transaction) the caller holds, e.g. an append's, for inline projections.</summary>
    public async Task<IReadOnlyList<StoredEvent>> ReadStreamAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string streamKey, long fromVersion, AsOf? asOf, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamKey);
        var cut = asOf switch
        {
            null => "",
            { ByRecordedTime: true } => "and e.recorded_at <= $3",
            _ => "and e.occurred_at <= $3",
        };
        await using var command = new NpgsqlCommand(
            $"select {Columns("e")} from {Events} e where e.stream_key = $1 and e.version >= $2 {cut} order by e.version", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamKey });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = fromVersion });
        if (asOf is not null)
        {
            command.Parameters.Add(new NpgsqlParameter<Instant> { NpgsqlDbType = NpgsqlDbType.TimestampTz, TypedValue = asOf.Instant });
        }
        return await ReadAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<string>> ListStreamKeysAsync(string streamType, string? afterKey, int limit, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamType);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await using var connection = await context.DataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            $"select s.key from {context.Schema.Quoted}.streams s where s.type = $1 and s.key > $2 order by s.key limit $3", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamType });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = afterKey ?? "" });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        var keys = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(reader.GetString(0));
        }
        return keys;
    }

    public async Task<IReadOnlyList<StoredEvent>> ReadAllAsync(long afterSeqId, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await using var connection = await context.DataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            $"select {Columns("e")} from {Events} e where e.seq_id > $1 order by e.seq_id limit $2", connection);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterSeqId });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        return await ReadAsync(command, cancellationToken);
    }

    /// <summary>Runs a command selecting <see cref="Columns"/> and turns its rows into events.</summary>
    public async Task<IReadOnlyList<StoredEvent>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var events = new List<StoredEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var type = reader.GetString(4);
            events.Add(new StoredEvent(
                SeqId: reader.GetInt64(0),
                EventId: reader.GetGuid(1),
                StreamKey: reader.GetString(2),
                Version: reader.GetInt64(3),
                TypeName: type,
                Data: context.Serializer.Deserialize(type, reader.GetFieldValue<string>(5)),
                OccurredAt: reader.GetFieldValue<Instant>(6),
                RecordedAt: reader.GetFieldValue<Instant>(7),
                ActingOrganisation: reader.GetString(8),
                CorrelationId: reader.IsDBNull(9) ? null : reader.GetString(9),
                CausationId: reader.IsDBNull(10) ? null : reader.GetString(10),
                IdempotencyKey: reader.IsDBNull(11) ? null : reader.GetString(11)));
        }
        return events;
    }
}
