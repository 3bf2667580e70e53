using ChipRegistry.EventStore.Tests.Support;
using static ChipRegistry.EventStore.Tests.Daemon.DaemonTestKit;

namespace ChipRegistry.EventStore.Tests.Daemon;

/// <summary>Tracked rebuilds (projection_rebuilds): requested ones, one unfinished per projection, and those a version change starts.</summary>
public sealed class RebuildResourceTests(StoreFixture fixture) : IClassFixture<StoreFixture>
{
    private static async Task<T> WithinAsync<T>(Task<T?> task, string what) where T : class =>
        await task.WaitAsync(TimeSpan.FromSeconds(60), Cancel) ?? throw new InvalidOperationException($"{what}: nothing");

    private static Task WithinAsync(Task task) => task.WaitAsync(TimeSpan.FromSeconds(60), Cancel);

    [Fact]
    public async Task a_requested_rebuild_reports_its_progress_and_a_second_request_gets_the_unfinished_one()
    {
        var store = await fixture.StartStoreAsync();
        var chain = new ChainProjection("chain");
        var gated = new GatedProjection(chain, version: 1, holdAtRebuildBatch: 2);
        var daemon = await StartDaemonAsync(store, Options(new AsyncProjectionRegistration(gated)));
        try
        {
            await AppendAsync(store, "r", 450, streams: 5);
            var target = await CatchUpAsync(daemon);
            var incremental = await ReadChainAsync(fixture.DataSource, store.Schema, chain);

            var first = await daemon.RequestRebuildAsync("chain", Cancel);
            Assert.True(first.Started);
            Assert.Equal((RebuildReason.Requested, RebuildState.Queued, 0L), (first.Rebuild.Reason, first.Rebuild.State, first.Rebuild.EventsDone));

            await WithinAsync(gated.Held);
            var running = await WithinAsync(daemon.GetRebuildAsync(first.Rebuild.Id, Cancel), "the rebuild");
            // One batch of 100 replayed and committed, the second held: done 100 of the mark's total, an end estimated from that rate.
            Assert.Equal((RebuildState.Running, 100L, target), (running.State, running.EventsDone, running.EventsTotal));
            Assert.NotNull(running.StartedAt);
            Assert.NotNull(running.EstimatedDoneAt);

            var second = await daemon.RequestRebuildAsync("chain", Cancel);
            Assert.False(second.Started);
            Assert.Equal(first.Rebuild.Id, second.Rebuild.Id);

            gated.Release();
            await EventuallyAsync(async () => (await daemon.GetRebuildAsync(first.Rebuild.Id, Cancel))!.IsFinished, "the rebuild finishes");
            var done = (await daemon.GetRebuildAsync(first.Rebuild.Id, Cancel))!;
            Assert.Equal((RebuildState.Done, target, target, (long?)target, (int?)0, (string?)null),
                (done.State, done.EventsDone, done.EventsTotal, done.Checkpoint, done.DeadLetters, done.Error));
            Assert.Null(done.EstimatedDoneAt);
            AssertSameChain(incremental, await ReadChainAsync(fixture.DataSource, store.Schema, chain));

            // Finished, it no longer blocks the next one.
            var third = await daemon.RequestRebuildAsync("chain", Cancel);
            Assert.True(third.Started);
            await EventuallyAsync(async () => (await daemon.GetRebuildAsync(third.Rebuild.Id, Cancel))!.State == RebuildState.Done, "the third rebuild is done");
        }
        finally
        {
            gated.Release();
            await StopAsync(daemon);
        }
    }

    [Fact]
    public async Task an_unfinished_rebuild_whose_process_is_gone_is_failed_when_the_next_is_asked_for()
    {
        var store = await fixture.StartStoreAsync();
        using var daemon = new ProjectionDaemon(store, Options(new AsyncProjectionRegistration(new ChainProjection("chain"))));
        await daemon.PrepareAsync(Cancel);
        var orphan = await fixture.ScalarAsync<long>(
            $"""
            insert into {store.Schema.Quoted}.projection_rebuilds (projection, reason, state, version, heartbeat_at)
            values ('chain', 'requested', 'running', 1, now() - interval '1 hour') returning rebuild_id
            """);

        var next = await daemon.RequestRebuildAsync("chain", Cancel);

        Assert.True(next.Started);
        var failed = (await daemon.GetRebuildAsync(orphan, Cancel))!;
        Assert.Equal(RebuildState.Failed, failed.State);
        Assert.StartsWith("abandoned", failed.Error, StringComparison.Ordinal);
        await EventuallyAsync(async () => (await daemon.GetRebuildAsync(next.Rebuild.Id, Cancel))!.State == RebuildState.Done, "the new rebuild is done");
    }

    [Fact]
    public async Task a_newer_declared_version_is_rebuilt_in_the_shadow_at_start_while_the_old_tables_keep_serving_until_the_swap()
    {
        var store = await fixture.StartStoreAsync();
        var chain = new ChainProjection("chain");
        var before = await StartDaemonAsync(store, Options(new AsyncProjectionRegistration(chain)));
        await AppendAsync(store, "v", 300, streams: 4);
        await CatchUpAsync(before);
        await StopAsync(before);
        var old = await ReadChainAsync(fixture.DataSource, store.Schema, chain);

        var upgraded = new GatedProjection(chain, version: 2, holdAtRebuildBatch: 1);
        var after = await StartDaemonAsync(store, Options(new AsyncProjectionRegistration(upgraded)));
        try
        {
            await WithinAsync(upgraded.Held);
            var rebuild = await fixture.ScalarAsync<string>(
                $"select reason || ' ' || state || ' ' || version from {store.Schema.Quoted}.projection_rebuilds where projection = 'chain'");
            Assert.Equal("version_changed running 2", rebuild);
            // Appends go on; readers still get the old tables, untouched, under the old version.
            await AppendAsync(store, "w", 40, streams: 4);
            AssertSameChain(old, await ReadChainAsync(fixture.DataSource, store.Schema, chain));
            Assert.Equal(1, (await after.GetHealthAsync(Cancel)).Projections.Single().Version);

            upgraded.Release();
            await CatchUpAsync(after);
            AssertSameChain(await ExpectedChainAsync(fixture.DataSource, store.Schema), await ReadChainAsync(fixture.DataSource, store.Schema, chain));
            Assert.Equal(2, (await after.GetHealthAsync(Cancel)).Projections.Single().Version);
            Assert.Equal("done", await fixture.ScalarAsync<string>($"select state from {store.Schema.Quoted}.projection_rebuilds where projection = 'chain'"));
        }
        finally
        {
            upgraded.Release();
            await StopAsync(after);
        }
    }

    [Fact]
    public async Task health_reports_each_projection_lag_in_business_and_recorded_seconds_and_in_sequence_numbers()
    {
        var store = await fixture.StartStoreAsync();
        var chain = new ChainProjection("chain");
        var daemon = await StartDaemonAsync(store, Options(new AsyncProjectionRegistration(chain)));
        var at = NodaTime.Instant.FromUtc(2026, 3, 1, 12, 0);
        await store.AppendAsync(new StreamAppend("lag-1", ExpectedVersion.Any, TestEvents.Moved("a", at)), TestEvents.By(), Cancel);
        await CatchUpAsync(daemon);
        var caughtUp = (await daemon.GetHealthAsync(Cancel)).Projections.Single();
        Assert.Equal((0L, 0L, 0d, 0d), (caughtUp.Lag, caughtUp.SequenceGap, caughtUp.BusinessLagSeconds, caughtUp.RecordedLagSeconds));
        await StopAsync(daemon);

        await store.AppendAsync(new StreamAppend("lag-1", ExpectedVersion.Any, TestEvents.Moved("b", at.Plus(NodaTime.Duration.FromHours(3)))), TestEvents.By(), Cancel);
        await store.AppendAsync(new StreamAppend("lag-2", ExpectedVersion.Any, TestEvents.Moved("c", at.Plus(NodaTime.Duration.FromHours(5)))), TestEvents.By(), Cancel);
        // The applied event was recorded an hour before the latest one.
        await fixture.ScalarAsync<int>($"update {store.Schema.Quoted}.events set recorded_at = recorded_at - interval '1 hour' where stream_key = 'lag-1' and version = 1 returning 1");
        using var reader = new ProjectionDaemon(store, Options(new AsyncProjectionRegistration(chain)));
        await reader.PrepareAsync(Cancel);

        var behind = (await reader.GetHealthAsync(Cancel)).Projections.Single();

        Assert.Equal(2, behind.SequenceGap);
        Assert.Equal(5 * 3600d, behind.BusinessLagSeconds);
        Assert.InRange(behind.RecordedLagSeconds, 3600d, 3600d + 120);
    }
}
