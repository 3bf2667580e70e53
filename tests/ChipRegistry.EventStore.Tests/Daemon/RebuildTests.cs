using ChipRegistry.EventStore.Tests.Support;
using static ChipRegistry.EventStore.Tests.Daemon.DaemonTestKit;

namespace ChipRegistry.EventStore.Tests.Daemon;

/// <summary>A rebuild replays into shadow tables and swaps them in; it must equal the incremental projection.</summary>
public sealed class RebuildTests(StoreFixture fixture) : IClassFixture<StoreFixture>
{
    [Fact]
    public async Task rebuilding_on_an_empty_store_swaps_in_empty_tables()
    {
        var store = await fixture.StartStoreAsync();
        var chain = new ChainProjection("chain");
        using var daemon = new ProjectionDaemon(store, Options(new AsyncProjectionRegistration(chain)));

        var result = await daemon.RebuildAsync("chain", Cancel);

        Assert.Equal(new RebuildResult("chain", 0, 0, 0), result);
        AssertSameChain(await ExpectedChainAsync(fixture.DataSource, store.Schema), await ReadChainAsync(fixture.DataSource, store.Schema, chain));
        Assert.Equal(0, await CountAsync(fixture.DataSource,
            $"select count(*) from pg_tables where schemaname = '{store.Schema.Value}' and tablename like '%\\_\\_rebuild'"));
    }

    [Fact]
    public async Task rebuilding_a_full_store_equals_the_incrementally_maintained_projection()
    {
        var store = await fixture.StartStoreAsync();
        var chain = new ChainProjection("chain");
        var daemon = await StartDaemonAsync(store, Options(new AsyncProjectionRegistration(chain)));
        try
        {
            await Task.WhenAll(AppendAsync(store, "a", 250, streams: 7), AppendAsync(store, "b", 250, streams: 3));
            var target = await CatchUpAsync(daemon);
            var incremental = await ReadChainAsync(fixture.DataSource, store.Schema, chain);
            AssertSameChain(await ExpectedChainAsync(fixture.DataSource, store.Schema), incremental);

            var result = await daemon.RebuildAsync("chain", Cancel);

            Assert.Equal(target, result.Checkpoint);
            Assert.Equal(500, result.Applied);
            AssertSameChain(incremental, await ReadChainAsync(fixture.DataSource, store.Schema, chain));
        }
        finally
        {
            await StopAsync(daemon);
        }
    }

    [Fact]
    public async Task rebuilding_while_appends_continue_equals_the_incremental_projection_and_counts_never_drop()
    {
        var store = await fixture.StartStoreAsync();
        var rebuilt = new ChainProjection("rebuilt");
        var incremental = new ChainProjection("incremental");
        var daemon = await StartDaemonAsync(store, Tuned(Options(new AsyncProjectionRegistration(rebuilt), new AsyncProjectionRegistration(incremental)), batchSize: 50));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        try
        {
            await AppendAsync(store, "before", 300);
            await CatchUpAsync(daemon);

            var appending = BackgroundAppends.Start(store, stop.Token);
            var counts = new List<long>();
            var reading = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    counts.Add(await CountAsync(fixture.DataSource, $"select coalesce(sum(events), 0)::bigint from {store.Schema.Quoted}.rebuilt_streams"));
                }
            }, CancellationToken.None);

            var result = await daemon.RebuildAsync("rebuilt", Cancel);
            await EventuallyAsync(() => Task.FromResult(appending.Count > result.Checkpoint - 300 + 20), "appends continue after the swap");
            await stop.CancelAsync();
            await Task.WhenAll(appending.Completion, reading);

            Assert.True(result.Applied > 300, $"the rebuild applied {result.Applied} events, none appended during it");
            Assert.True(counts.Count > 10, "the reader barely ran");
            for (var i = 1; i < counts.Count; i++)
            {
                Assert.True(counts[i] >= counts[i - 1], $"a count read during the rebuild dropped from {counts[i - 1]} to {counts[i]}");
            }
            await CatchUpAsync(daemon);
            var expected = await ExpectedChainAsync(fixture.DataSource, store.Schema);
            AssertSameChain(expected, await ReadChainAsync(fixture.DataSource, store.Schema, incremental));
            AssertSameChain(expected, await ReadChainAsync(fixture.DataSource, store.Schema, rebuilt));
        }
        finally
        {
            await stop.CancelAsync();
            await StopAsync(daemon);
        }
    }
}
