using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace ChipRegistry.EventStore.Tests.Daemon;

/// <summary>
/// The order-sensitive test projection: a hash chain of event ids per stream and over the
/// whole sequence, plus a count of applications per event. Any event applied twice, skipped,
/// or applied out of sequence order changes a head.
/// </summary>
public sealed class ChainProjection(string name) : IAsyncProjection
{
    public string Name { get; } = name;

    public string StreamsTable => $"{Name}_streams";

    public string GlobalTable => $"{Name}_global";

    public string AppliedTable => $"{Name}_applied";

    /// <summary>Events this predicate matches throw when applied (set to null to "fix" the projection).</summary>
    public Func<StoredEvent, bool>? Poison { get; set; }

    public IReadOnlyList<ProjectionTable> Tables =>
    [
        new(StreamsTable, "(stream_key text primary key, events bigint not null, head text not null)"),
        new(GlobalTable, "(id int primary key, events bigint not null, head text not null)"),
        new(AppliedTable, "(seq_id bigint primary key, times int not null)"),
    ];

    public static string Next(string head, Guid eventId) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{head}:{eventId}")));

    public async Task ApplyAsync(AsyncProjectionBatch batch, CancellationToken cancellationToken)
    {
        if (batch.Events.Count == 0)
        {
            return;
        }
        var heads = new Dictionary<string, (long Events, string Head)>(StringComparer.Ordinal);
        await using (var read = batch.CreateCommand($"select stream_key, events, head from {batch.Table(StreamsTable)} where stream_key = any ($1)"))
        {
            read.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. batch.Events.Select(e => e.StreamKey).Distinct()] });
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                heads[reader.GetString(0)] = (reader.GetInt64(1), reader.GetString(2));
            }
        }
        (long Events, string Head) global = (0, "");
        await using (var read = batch.CreateCommand($"select events, head from {batch.Table(GlobalTable)} where id = 1"))
        {
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                global = (reader.GetInt64(0), reader.GetString(1));
            }
        }
        foreach (var e in batch.Events)
        {
            if (Poison?.Invoke(e) == true)
            {
                throw new InvalidOperationException($"poisoned event {e.SeqId} in {e.StreamKey}");
            }
            var current = heads.GetValueOrDefault(e.StreamKey, (0, ""));
            heads[e.StreamKey] = (current.Events + 1, Next(current.Head, e.EventId));
            global = (global.Events + 1, Next(global.Head, e.EventId));
        }
        await using var write = batch.CreateBatch();
        var streams = new NpgsqlBatchCommand(
            $"""
            insert into {batch.Table(StreamsTable)} (stream_key, events, head)
            select * from unnest($1::text[], $2::bigint[], $3::text[])
            on conflict (stream_key) do update set events = excluded.events, head = excluded.head
            """);
        streams.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. heads.Keys] });
        streams.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. heads.Values.Select(h => h.Events)] });
        streams.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. heads.Values.Select(h => h.Head)] });
        write.BatchCommands.Add(streams);
        var total = new NpgsqlBatchCommand(
            $"insert into {batch.Table(GlobalTable)} (id, events, head) values (1, $1, $2) on conflict (id) do update set events = excluded.events, head = excluded.head");
        total.Parameters.Add(new NpgsqlParameter<long> { TypedValue = global.Events });
        total.Parameters.Add(new NpgsqlParameter<string> { TypedValue = global.Head });
        write.BatchCommands.Add(total);
        var applied = new NpgsqlBatchCommand(
            $"""
            insert into {batch.Table(AppliedTable)} (seq_id, times) select unnest($1::bigint[]), 1
            on conflict (seq_id) do update set times = {batch.Table(AppliedTable)}.times + 1
            """);
        applied.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. batch.Events.Select(e => e.SeqId)] });
        write.BatchCommands.Add(applied);
        await write.ExecuteNonQueryAsync(cancellationToken);
    }
}
