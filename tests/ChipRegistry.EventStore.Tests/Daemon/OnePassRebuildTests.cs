using ChipRegistry.EventStore.Tests.Support;
using static ChipRegistry.EventStore.Tests.Daemon.DaemonTestKit;

namespace ChipRegistry.EventStore.Tests.Daemon;

/// <summary>
/// A projection that offers a one-pass rebuild (<see cref="IRebuildsFromZero"/>) is filled once up to the mark, then
/// caught up in batches and swapped in like any other; a pass that fails is rolled back and replayed in batches.
/// </summary>
public sealed class OnePassRebuildTests(StoreFixture fixture) : IClassFixture<StoreFixture>
{
    [Fact]
    public async Task a_one_pass_rebuild_fills_up_to_the_mark_once_then_catches_up_in_batches_while_appends_continue()
    {
        var store = await fixture.StartStoreAsync();
        var onePass = new OnePassChainProjection("rebuilt");
        var incremental = new ChainProjection("incremental");
        var daemon = await StartDaemonAsync(store, Tuned(Options(new AsyncProjectionRegistration(onePass), new AsyncProjectionRegistration(incremental)), batchSize: 50));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        try
        {
            await AppendAsync(store, "before", 300);
            await CatchUpAsync(daemon);
            var appending = BackgroundAppends.Start(store, stop.Token);

            var result = await daemon.RebuildAsync("rebuilt", Cancel);
            await EventuallyAsync(() => Task.FromResult(appending.Count > result.Checkpoint - 300 + 20), "appends continue after the swap");
            await stop.CancelAsync();
            await appending.Completion;

            Assert.Equal(1, onePass.Passes);
            Assert.Equal(["shadows", "one_pass", "indexes", "batches", "swap"], result.Phases.Select(p => p.Name));
            Assert.True(result.Applied > 300, $"the rebuild applied {result.Applied} events, none appended during it");
            await CatchUpAsync(daemon);
            var expected = await ExpectedChainAsync(fixture.DataSource, store.Schema);
            AssertSameChain(expected, await ReadChainAsync(fixture.DataSource, store.Schema, incremental));
            AssertSameChain(expected, await ReadChainAsync(fixture.DataSource, store.Schema, onePass.Chain));
        }
        finally
        {
            await stop.CancelAsync();
            await StopAsync(daemon);
        }
    }

    [Fact]
    public async Task a_one_pass_that_fails_is_rolled_back_and_the_batches_dead_letter_only_the_failing_event()
    {
        var store = await fixture.StartStoreAsync();
        var onePass = new OnePassChainProjection("chain");
        onePass.Chain.Poison = e => e.StreamKey == "poison-1";
        using var daemon = new ProjectionDaemon(store, Options(new AsyncProjectionRegistration(onePass, DeadLetterPolicy.Continue)));
        await AppendAsync(store, "clean", 30);
        var poisoned = (await store.AppendAsync(new StreamAppend("poison-1", ExpectedVersion.NoStream, TestEvents.Registered("bad")), TestEvents.By(), Cancel)).SeqIds[0];
        await AppendAsync(store, "later", 30);

        var result = await daemon.RebuildAsync("chain", Cancel);

        Assert.Equal(1, onePass.Passes);
        Assert.Equal(["shadows", "one_pass_rolled_back", "indexes", "batches", "swap"], result.Phases.Select(p => p.Name));
        Assert.Equal((61L, 60L, 1), (result.Checkpoint, result.Applied, result.DeadLetters));
        Assert.Equal(poisoned, await CountAsync(fixture.DataSource, $"select seq_id from {store.Schema.Quoted}.dead_letters where projection = 'chain'"));
        AssertSameChain(await ExpectedChainAsync(fixture.DataSource, store.Schema, new HashSet<long> { poisoned }),
            await ReadChainAsync(fixture.DataSource, store.Schema, onePass.Chain));
    }

    [Fact]
    public async Task a_tracked_one_pass_rebuild_ends_done_with_the_mark_as_its_events()
    {
        var store = await fixture.StartStoreAsync();
        var onePass = new OnePassChainProjection("chain");
        var daemon = await StartDaemonAsync(store, Options(new AsyncProjectionRegistration(onePass)));
        try
        {
            await AppendAsync(store, "r", 250, streams: 5);
            var target = await CatchUpAsync(daemon);

            var request = await daemon.RequestRebuildAsync("chain", Cancel);
            await EventuallyAsync(async () => (await daemon.GetRebuildAsync(request.Rebuild.Id, Cancel))!.IsFinished, "the rebuild finishes");

            var done = (await daemon.GetRebuildAsync(request.Rebuild.Id, Cancel))!;
            Assert.Equal((RebuildState.Done, target, target, (long?)target, (string?)null), (done.State, done.EventsDone, done.EventsTotal, done.Checkpoint, done.Error));
            Assert.Equal(1, onePass.Passes);
            AssertSameChain(await ExpectedChainAsync(fixture.DataSource, store.Schema), await ReadChainAsync(fixture.DataSource, store.Schema, onePass.Chain));
        }
        finally
        {
            await StopAsync(daemon);
        }
    }
}
