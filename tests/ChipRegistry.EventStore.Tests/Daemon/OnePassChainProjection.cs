using Npgsql;

namespace ChipRegistry.EventStore.Tests.Daemon;

/// <summary>
/// <see cref="ChainProjection"/> with a one-pass rebuild: from zero it reads the events up to the mark once and writes
/// every head in one go, as a projection that folds each stream once would. Its batches are the chain's own, so a
/// rebuild that catches up after the pass, or skips or repeats an event around it, leaves a different head.
/// </summary>
public sealed class OnePassChainProjection(string name) : IAsyncProjection, IRebuildsFromZero
{
    public ChainProjection Chain { get; } = new(name);

    /// <summary>How many one-pass fills have started.</summary>
    public int Passes { get; private set; }

    public string Name => Chain.Name;

    public IReadOnlyList<ProjectionTable> Tables => Chain.Tables;

    public Task ApplyAsync(AsyncProjectionBatch batch, CancellationToken cancellationToken) => Chain.ApplyAsync(batch, cancellationToken);

    public async IAsyncEnumerable<long> FillFromZeroAsync(AsyncProjectionBatch batch,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Passes++;
        Assert.Equal(0, batch.AfterSeqId);
        Assert.Empty(batch.Events);
        var heads = new Dictionary<string, (long Events, string Head)>(StringComparer.Ordinal);
        (long Events, string Head) global = (0, "");
        var applied = new List<long>();
        await using (var read = batch.CreateCommand($"select seq_id, event_id, stream_key, version, type from {batch.EventsTable} where seq_id <= $1 order by seq_id"))
        {
            read.Parameters.Add(new NpgsqlParameter<long> { TypedValue = batch.ThroughSeqId });
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var e = new StoredEvent(reader.GetInt64(0), reader.GetGuid(1), reader.GetString(2), reader.GetInt64(3), reader.GetString(4), Data: string.Empty,
                    default, default, string.Empty, null, null, null);
                if (Chain.Poison?.Invoke(e) == true)
                {
                    throw new InvalidOperationException($"poisoned event {e.SeqId} in {e.StreamKey}");
                }
                var current = heads.GetValueOrDefault(e.StreamKey, (0, ""));
                heads[e.StreamKey] = (current.Events + 1, ChainProjection.Next(current.Head, e.EventId));
                global = (global.Events + 1, ChainProjection.Next(global.Head, e.EventId));
                applied.Add(e.SeqId);
            }
        }
        yield return applied.Count;

        await using var write = batch.CreateBatch();
        var streams = new NpgsqlBatchCommand($"insert into {batch.Table(Chain.StreamsTable)} (stream_key, events, head) select * from unnest($1::text[], $2::bigint[], $3::text[])");
        streams.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. heads.Keys] });
        streams.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. heads.Values.Select(h => h.Events)] });
        streams.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. heads.Values.Select(h => h.Head)] });
        write.BatchCommands.Add(streams);
        if (global.Events > 0)
        {
            var total = new NpgsqlBatchCommand($"insert into {batch.Table(Chain.GlobalTable)} (id, events, head) values (1, $1, $2)");
            total.Parameters.Add(new NpgsqlParameter<long> { TypedValue = global.Events });
            total.Parameters.Add(new NpgsqlParameter<string> { TypedValue = global.Head });
            write.BatchCommands.Add(total);
        }
        var once = new NpgsqlBatchCommand($"insert into {batch.Table(Chain.AppliedTable)} (seq_id, times) select unnest($1::bigint[]), 1");
        once.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. applied] });
        write.BatchCommands.Add(once);
        await write.ExecuteNonQueryAsync(cancellationToken);
    }
}
