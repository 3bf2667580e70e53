using ChipRegistry.EventStore.Tests.Support;
using static ChipRegistry.EventStore.Tests.Daemon.DaemonTestKit;

namespace ChipRegistry.EventStore.Tests.Daemon;

/// <summary>A poisoned event goes to dead_letters; the policy decides whether the projection passes it or halts.</summary>
public sealed class DeadLetterTests(StoreFixture fixture) : IClassFixture<StoreFixture>
{
    private async Task<(long SeqId, string Error, int Attempts)[]> DeadLettersAsync(PostgresEventStore store, string projection)
    {
        await using var command = fixture.DataSource.CreateCommand($"select seq_id, error, attempts from {store.Schema.Quoted}.dead_letters where projection = '{projection}' order by seq_id");
        await using var reader = await command.ExecuteReaderAsync(Cancel);
        var rows = new List<(long, string, int)>();
        while (await reader.ReadAsync(Cancel))
        {
            rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2)));
        }
        return [.. rows];
    }

    private static async Task<long> AppendPoisonedAsync(PostgresEventStore store)
    {
        await AppendAsync(store, "clean", 30);
        var poisoned = await store.AppendAsync(new StreamAppend("poison-1", ExpectedVersion.NoStream, TestEvents.Registered("bad")), TestEvents.By(), Cancel);
        await AppendAsync(store, "later", 30);
        return poisoned.SeqIds[0];
    }

    [Fact]
    public async Task under_continue_a_poisoned_event_is_dead_lettered_and_later_events_apply()
    {
        var store = await fixture.StartStoreAsync();
        var chain = new ChainProjection("chain") { Poison = e => e.StreamKey == "poison-1" };
        var daemon = await StartDaemonAsync(store, Options(new AsyncProjectionRegistration(chain, DeadLetterPolicy.Continue)));
        try
        {
            var poisoned = await AppendPoisonedAsync(store);
            var target = await CatchUpAsync(daemon);

            var letter = Assert.Single(await DeadLettersAsync(store, "chain"));
            Assert.Equal(poisoned, letter.SeqId);
            Assert.Contains($"poisoned event {poisoned}", letter.Error, StringComparison.Ordinal);
            var health = await daemon.GetHealthAsync(Cancel);
            var projection = Assert.Single(health.Projections);
            Assert.Equal(target, projection.Checkpoint);
            Assert.False(projection.Halted);
            Assert.Equal(1, projection.DeadLetters);
            AssertSameChain(await ExpectedChainAsync(fixture.DataSource, store.Schema, new HashSet<long> { poisoned }), await ReadChainAsync(fixture.DataSource, store.Schema, chain));
        }
        finally
        {
            await StopAsync(daemon);
        }
    }

    [Fact]
    public async Task under_halt_the_checkpoint_stays_below_the_poisoned_event_until_a_rebuild_after_the_fix()
    {
        var store = await fixture.StartStoreAsync();
        var chain = new ChainProjection("chain") { Poison = e => e.StreamKey == "poison-1" };
        var daemon = await StartDaemonAsync(store, Options(new AsyncProjectionRegistration(chain, DeadLetterPolicy.Halt)));
        try
        {
            var poisoned = await AppendPoisonedAsync(store);
            await EventuallyAsync(async () => (await daemon.GetHealthAsync(Cancel)).AnyHalted, "the projection halts");

            var health = await daemon.GetHealthAsync(Cancel);
            var projection = Assert.Single(health.Projections);
            Assert.True(projection.Halted);
            Assert.Equal(poisoned, projection.HaltedAtSeqId);
            Assert.Contains("poisoned event", projection.HaltedError, StringComparison.Ordinal);
            Assert.Equal(poisoned - 1, projection.Checkpoint);
            Assert.Equal(health.HighWaterMark - (poisoned - 1), projection.Lag);
            Assert.Equal(poisoned, Assert.Single(await DeadLettersAsync(store, "chain")).SeqId);
            await Assert.ThrowsAsync<ProjectionHaltedException>(() => daemon.WaitForCatchUpAsync(Cancel));
            Assert.Equal(poisoned - 1, (await ReadChainAsync(fixture.DataSource, store.Schema, chain)).GlobalEvents);

            // Still poisoned: the rebuild stops and leaves the live tables as they were.
            await Assert.ThrowsAsync<ProjectionRebuildException>(() => daemon.RebuildAsync("chain", Cancel));
            Assert.Equal(poisoned - 1, (await ReadChainAsync(fixture.DataSource, store.Schema, chain)).GlobalEvents);

            chain.Poison = null;
            var result = await daemon.RebuildAsync("chain", Cancel);

            Assert.Equal(0, result.DeadLetters);
            Assert.Empty(await DeadLettersAsync(store, "chain"));
            await AppendAsync(store, "after", 5);
            await CatchUpAsync(daemon);
            Assert.False((await daemon.GetHealthAsync(Cancel)).AnyHalted);
            AssertSameChain(await ExpectedChainAsync(fixture.DataSource, store.Schema), await ReadChainAsync(fixture.DataSource, store.Schema, chain));
        }
        finally
        {
            await StopAsync(daemon);
        }
    }

    [Fact]
    public async Task a_rebuild_retries_dead_letters_and_keeps_those_that_still_fail()
    {
        var store = await fixture.StartStoreAsync();
        var chain = new ChainProjection("chain") { Poison = e => e.StreamKey is "poison-1" or "poison-2" };
        var daemon = await StartDaemonAsync(store, Options(new AsyncProjectionRegistration(chain, DeadLetterPolicy.Continue)));
        try
        {
            var first = await AppendPoisonedAsync(store);
            var second = (await store.AppendAsync(new StreamAppend("poison-2", ExpectedVersion.NoStream, TestEvents.Registered("bad")), TestEvents.By(), Cancel)).SeqIds[0];
            await CatchUpAsync(daemon);
            Assert.Equal([first, second], (await DeadLettersAsync(store, "chain")).Select(d => d.SeqId));

            chain.Poison = e => e.StreamKey == "poison-2";
            var result = await daemon.RebuildAsync("chain", Cancel);

            Assert.Equal(1, result.DeadLetters);
            var letter = Assert.Single(await DeadLettersAsync(store, "chain"));
            Assert.Equal((second, 2), (letter.SeqId, letter.Attempts));
            AssertSameChain(await ExpectedChainAsync(fixture.DataSource, store.Schema, new HashSet<long> { second }), await ReadChainAsync(fixture.DataSource, store.Schema, chain));
        }
        finally
        {
            await StopAsync(daemon);
        }
    }
}
