using System.Collections.Concurrent;
using System.Data;
using ChipRegistry.EventStore.Tests.Support;
using Npgsql;
using static ChipRegistry.EventStore.Tests.Daemon.DaemonTestKit;

namespace ChipRegistry.EventStore.Tests.Daemon;

/// <summary>
/// The mark counts a run on an exported snapshot that runners may apply meanwhile: the snapshot must live until a
/// joined runner holds it, and the verdict must say true only once the mark has committed past a complete run.
/// </summary>
public sealed class MarkProofTests(StoreFixture fixture) : IClassFixture<StoreFixture>
{
    /// <summary>What a joiner saw in the snapshot; -1 when the snapshot was gone before it came.</summary>
    private sealed record Joined(MarkProof Proof, long EventsSeen, long MarkSeen);

    /// <summary>Joins every announced run like a runner, slowly, and reads what the snapshot holds.</summary>
    private static Action<MarkProof> JoinSlowly(NpgsqlDataSource dataSource, SchemaName schema, ConcurrentBag<Task<Joined>> joins) => proof =>
    {
        if (!proof.TryJoin())
        {
            return;
        }
        joins.Add(Task.Run(async () =>
        {
            try
            {
                // Slower than the count: the mark must wait for the import, or the snapshot is gone.
                await Task.Delay(TimeSpan.FromMilliseconds(300), Cancel);
                await using var connection = await dataSource.OpenConnectionAsync(Cancel);
                await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, Cancel);
                await using (var import = new NpgsqlCommand($"set transaction snapshot '{proof.Snapshot}'", connection, transaction))
                {
                    await import.ExecuteNonQueryAsync(Cancel);
                }
                await using var read = new NpgsqlCommand(
                    $"""
                    select (select count(*) from {schema.Quoted}.events where seq_id > $1 and seq_id <= $2),
                           (select last_seq_id from {schema.Quoted}.projection_progress where name = '$high_water_mark')
                    """, connection, transaction);
                read.Parameters.Add(new NpgsqlParameter<long> { TypedValue = proof.From });
                read.Parameters.Add(new NpgsqlParameter<long> { TypedValue = proof.Through });
                await using var row = await read.ExecuteReaderAsync(Cancel);
                await row.ReadAsync(Cancel);
                return new Joined(proof, row.GetInt64(0), row.GetInt64(1));
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InvalidParameterValue)
            {
                // A refused run need not wait for its joiners: its snapshot may be gone before they come.
                return new Joined(proof, EventsSeen: -1, MarkSeen: -1);
            }
            finally
            {
                proof.Imported();
            }
        }, Cancel));
    };

    [Fact]
    public async Task a_joined_runner_holds_the_marks_snapshot_and_hears_true_only_after_the_mark_has_moved()
    {
        var store = await fixture.StartStoreAsync();
        var joins = new ConcurrentBag<Task<Joined>>();
        var mark = new HighWaterMark(store.Context, 1_000, JoinSlowly(fixture.DataSource, store.Schema, joins));
        await AppendAsync(store, "a", 20);

        var step = await mark.AdvanceAsync(Cancel);

        Assert.Equal(20, step.NewMark);
        var joined = Assert.Single(await Task.WhenAll(joins));
        Assert.Equal((0L, 20L), (joined.Proof.From, joined.Proof.Through));
        Assert.Equal(20, joined.EventsSeen);
        Assert.Equal(0, joined.MarkSeen);
        Assert.True(await joined.Proof.Verdict);
        Assert.Equal(20, await MarkAsync(fixture.DataSource, store.Schema));
    }

    [Fact]
    public async Task a_run_with_a_hole_is_refused_to_the_runners_that_joined_it()
    {
        var store = await fixture.StartStoreAsync();
        var joins = new ConcurrentBag<Task<Joined>>();
        var mark = new HighWaterMark(store.Context, 1_000, JoinSlowly(fixture.DataSource, store.Schema, joins));
        await AppendAsync(store, "a", 5);
        var (connection, transaction, held) = await HoldAppendAsync(fixture.DataSource, store.Schema, "held-1");
        await using (connection)
        {
            await AppendAsync(store, "b", 3);

            var step = await mark.AdvanceAsync(Cancel);

            Assert.Equal(held - 1, step.NewMark);
            var verdicts = new List<(long From, bool Complete)>();
            foreach (var joined in await Task.WhenAll(joins))
            {
                verdicts.Add((joined.Proof.From, await joined.Proof.Verdict));
            }
            // The run from 0 was counted short of its top: refused, whatever the function then proved of its start.
            Assert.Contains((0L, false), verdicts);
            Assert.DoesNotContain(verdicts, v => v.Complete && v.From < held);
            await transaction.RollbackAsync(Cancel);
        }
    }

    [Fact]
    public async Task a_runner_standing_at_the_mark_applies_the_run_while_it_is_counted_and_ends_as_replaying_would()
    {
        var store = await fixture.StartStoreAsync();
        await AppendAsync(store, "a", 50, streams: 7);
        var chain = new ChainProjection("proof_chain");
        using var daemon = new ProjectionDaemon(store, new ProjectionDaemonOptions
        {
            Projections = [new AsyncProjectionRegistration(chain)],
            MarkProofMinimumRun = 1,
            PollInterval = TimeSpan.FromMilliseconds(50),
        });
        // The first count waits until the runner has joined it, however loaded the machine (a fixed two seconds once
        // ran out under a loaded CI); the bound only keeps a broken join from hanging the test.
        var slowed = 0;
        daemon.MarkProofAnnounced = proof =>
        {
            if (Interlocked.Exchange(ref slowed, 1) == 0)
            {
                SpinWait.SpinUntil(() => proof.Joined > 0, TimeSpan.FromSeconds(60));
            }
        };
        await daemon.StartAsync(Cancel);
        try
        {
            Assert.Equal(50, await CatchUpAsync(daemon));

            Assert.Equal(1, daemon.BatchesOnMarkProof(chain.Name));
            AssertSameChain(await ExpectedChainAsync(fixture.DataSource, store.Schema), await ReadChainAsync(fixture.DataSource, store.Schema, chain));
        }
        finally
        {
            await StopAsync(daemon);
        }
    }
}
