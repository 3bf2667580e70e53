using ChipRegistry.EventStore.Tests.Support;
using Npgsql;
using static ChipRegistry.EventStore.Tests.Daemon.DaemonTestKit;

namespace ChipRegistry.EventStore.Tests.Daemon;

/// <summary>Two daemons on one database, as two hosts of the API would run them.</summary>
public sealed class LeadershipTests(StoreFixture fixture) : IClassFixture<StoreFixture>
{
    private static Task AppendConcurrentlyAsync(PostgresEventStore store, string prefix, int writers, int each) =>
        Task.WhenAll(Enumerable.Range(0, writers).Select(w => AppendAsync(store, $"{prefix}{w}", each, streams: 5)));

    private async Task AssertAppliedOnceInOrderAsync(PostgresEventStore store, ChainProjection chain)
    {
        var actual = await ReadChainAsync(fixture.DataSource, store.Schema, chain);
        Assert.Equal(1, actual.MaxTimes);
        AssertSameChain(await ExpectedChainAsync(fixture.DataSource, store.Schema), actual);
    }

    [Fact]
    public async Task two_daemons_apply_each_event_exactly_once()
    {
        var store = await fixture.StartStoreAsync();
        var chain = new ChainProjection("chain");
        var first = await StartDaemonAsync(store, Options(new AsyncProjectionRegistration(chain)));
        var second = await StartDaemonAsync(store, Options(new AsyncProjectionRegistration(chain)));
        try
        {
            await AppendConcurrentlyAsync(store, "w", writers: 4, each: 150);
            await CatchUpAsync(first);
            await CatchUpAsync(second);
            Assert.False(first.IsLeading("chain") && second.IsLeading("chain"), "both daemons lead the projection");
            await AssertAppliedOnceInOrderAsync(store, chain);
        }
        finally
        {
            await StopAsync(first, second);
        }
    }

    [Fact]
    public async Task when_the_leaders_lock_connection_is_killed_the_other_daemon_finishes()
    {
        var store = await fixture.StartStoreAsync();
        var chain = new ChainProjection("chain");
        // The loser of a lock waits RetryDelay before standing again, so the other daemon takes over.
        var options = Tuned(Options(new AsyncProjectionRegistration(chain)), batchSize: 20, retryDelay: TimeSpan.FromSeconds(3));
        var daemons = new[] { await StartDaemonAsync(store, options), await StartDaemonAsync(store, options) };
        try
        {
            await EventuallyAsync(() => Task.FromResult(daemons.Any(d => d.IsLeading("chain"))), "one daemon leads");
            var leader = daemons.Single(d => d.IsLeading("chain"));
            var other = daemons.Single(d => d != leader);

            var appending = AppendConcurrentlyAsync(store, "w", writers: 2, each: 200);
            await EventuallyAsync(async () => (await leader.GetHealthAsync(Cancel)).Projections[0].Checkpoint > 0, "the leader applies events");

            // The session that holds the projection's advisory lock: key = hashtextextended('schema.name', 0).
            await using (var kill = fixture.DataSource.CreateCommand(
                """
                with k as (select hashtextextended($1, 0) as key)
                select pg_terminate_backend(l.pid)
                from pg_locks l, k
                where l.locktype = 'advisory' and l.granted and l.objsubid = 1
                  and l.database = (select oid from pg_database where datname = current_database())
                  and l.classid::bigint = ((k.key >> 32) & 4294967295) and l.objid::bigint = (k.key & 4294967295)
                """))
            {
                kill.Parameters.Add(new NpgsqlParameter<string> { TypedValue = $"{store.Schema.Value}.chain" });
                Assert.Equal(true, await kill.ExecuteScalarAsync(Cancel));
            }

            await EventuallyAsync(() => Task.FromResult(leader.LeadershipLosses("chain") == 1), "the leader notices its lost lock");
            await EventuallyAsync(() => Task.FromResult(other.IsLeading("chain")), "the other daemon takes over");
            await appending;
            await CatchUpAsync(other);
            Assert.True(other.IsLeading("chain"));
            await AssertAppliedOnceInOrderAsync(store, chain);
        }
        finally
        {
            await StopAsync(daemons);
        }
    }

    [Fact]
    public async Task with_leadership_off_the_floor_guard_alone_applies_each_event_once()
    {
        var store = await fixture.StartStoreAsync();
        var chain = new ChainProjection("chain");
        var options = Tuned(Options(new AsyncProjectionRegistration(chain)), batchSize: 5, leadership: false, poll: TimeSpan.FromMilliseconds(50));
        var daemons = new[] { await StartDaemonAsync(store, options), await StartDaemonAsync(store, options), await StartDaemonAsync(store, options) };
        try
        {
            await AppendConcurrentlyAsync(store, "w", writers: 4, each: 100);
            foreach (var daemon in daemons)
            {
                await CatchUpAsync(daemon);
            }
            await AssertAppliedOnceInOrderAsync(store, chain);
        }
        finally
        {
            await StopAsync(daemons);
        }
    }

    [Fact]
    public async Task two_schemas_with_the_same_projection_name_both_catch_up()
    {
        var stores = new[] { await fixture.StartStoreAsync(), await fixture.StartStoreAsync() };
        var chains = new[] { new ChainProjection("chain"), new ChainProjection("chain") };
        var daemons = new[]
        {
            await StartDaemonAsync(stores[0], Options(new AsyncProjectionRegistration(chains[0]))),
            await StartDaemonAsync(stores[1], Options(new AsyncProjectionRegistration(chains[1]))),
        };
        try
        {
            await Task.WhenAll(AppendAsync(stores[0], "a", 100), AppendAsync(stores[1], "b", 120));
            for (var i = 0; i < 2; i++)
            {
                await CatchUpAsync(daemons[i], seconds: 30);
                Assert.True(daemons[i].IsLeading("chain"), $"daemon {i} does not lead its schema's projection");
                await AssertAppliedOnceInOrderAsync(stores[i], chains[i]);
            }
        }
        finally
        {
            await StopAsync(daemons);
        }
    }
}
