using ChipRegistry.EventStore.Tests.Support;
using Npgsql;
using static ChipRegistry.EventStore.Tests.Daemon.DaemonTestKit;

namespace ChipRegistry.EventStore.Tests.Daemon;

/// <summary>
/// A set-based projection reads its range in SQL, so the daemon counts the range's events without
/// reading them: the count must leave out the holes the high-water mark proved empty and skipped.
/// </summary>
public sealed class SetBasedProjectionTests(StoreFixture fixture) : IClassFixture<StoreFixture>
{
    [Fact]
    public async Task events_applied_by_a_set_based_projection_leave_out_a_skipped_gap()
    {
        var store = await fixture.StartStoreAsync();
        var counts = new CountPerStream();
        using var daemon = new ProjectionDaemon(store, Options(new AsyncProjectionRegistration(counts)));
        await daemon.PrepareAsync(Cancel);
        await AppendAsync(store, "a", 7, streams: 3);
        var (connection, transaction, gap) = await HoldAppendAsync(fixture.DataSource, store.Schema, "doomed-1");
        await AppendAsync(store, "b", 5, streams: 2);
        await transaction.RollbackAsync(Cancel);
        await connection.DisposeAsync();
        // xids are cluster-wide: other tests' open transactions may hold the gap for a while.
        await EventuallyAsync(async () => await daemon.AdvanceHighWaterMarkAsync(Cancel) == gap + 5, "the mark passes the rolled-back append", seconds: 300);
        Assert.Equal(1, await CountAsync(fixture.DataSource, $"select count(*) from {store.Schema.Quoted}.skipped_gaps where from_seq_id <= {gap} and to_seq_id >= {gap}"));

        var result = await daemon.RebuildAsync(counts.Name, Cancel);

        Assert.Equal(gap + 5, result.Checkpoint);
        Assert.Equal(12, result.Applied);
        Assert.Equal(12, await CountAsync(fixture.DataSource, $"select coalesce(sum(events), 0)::bigint from {store.Schema.Quoted}.set_counts"));
    }

    /// <summary>Events per stream, one INSERT ... SELECT over the batch's range.</summary>
    private sealed class CountPerStream : IAsyncProjection
    {
        public string Name => "set_counts";

        public IReadOnlyList<ProjectionTable> Tables { get; } = [new("set_counts", "(stream_key text primary key, events bigint not null)")];

        public bool ReadsEvents => false;

        public async Task ApplyAsync(AsyncProjectionBatch batch, CancellationToken cancellationToken)
        {
            await using var command = new NpgsqlCommand(
                $"""
                insert into {batch.Table("set_counts")} as t (stream_key, events)
                select e.stream_key, count(*) from {batch.EventsTable} e
                where e.seq_id > $1 and e.seq_id <= $2
                group by e.stream_key
                on conflict (stream_key) do update set events = t.events + excluded.events
                """, batch.Connection, batch.Transaction);
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = batch.AfterSeqId });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = batch.ThroughSeqId });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
