using ChipRegistry.EventStore.Tests.Support;

namespace ChipRegistry.EventStore.Tests;

public sealed class MultiStreamAppendTests(StoreFixture fixture) : IClassFixture<StoreFixture>
{
    private const int BatchSize = 10_000;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static string Key(int i) => $"chip-{i:D6}";

    [Fact]
    public async Task one_event_on_each_of_ten_thousand_streams_is_appended_in_one_call()
    {
        var store = await fixture.StartStoreAsync();
        await store.AppendAsync([.. Enumerable.Range(0, BatchSize).Select(i => new StreamAppend(Key(i), ExpectedVersion.NoStream, TestEvents.Registered($"c{i}")))], TestEvents.By(), Cancel);

        var result = await store.AppendAsync(
            [.. Enumerable.Range(0, BatchSize).Reverse().Select(i => new StreamAppend(Key(i), ExpectedVersion.Exactly(1), TestEvents.Moved("buyer")))],
            new AppendMetadata("org-seller") { CorrelationId = "sale-1" }, Cancel);

        Assert.Equal(BatchSize, result.Streams.Count);
        Assert.All(result.Streams, s => Assert.Equal(2, s.Version));
        Assert.Equal(BatchSize, result.SeqIds.Distinct().Count());
        Assert.Equal(2L * BatchSize, await fixture.CountAsync(store, "events"));
        Assert.Equal((long)BatchSize, await fixture.ScalarAsync<long>($"select count(*) from {store.Schema.Quoted}.events where correlation_id = 'sale-1' and version = 2"));
        var sample = await store.ReadStreamAsync(Key(4242), cancellationToken: Cancel);
        Assert.Equal(["thing_registered", "thing_moved"], sample.Select(e => e.TypeName));
    }

    [Fact]
    public async Task a_multi_stream_append_with_one_stale_version_appends_nothing_at_all()
    {
        var store = await fixture.StartStoreAsync();
        await store.AppendAsync([.. Enumerable.Range(0, BatchSize).Select(i => new StreamAppend(Key(i), ExpectedVersion.NoStream, TestEvents.Registered($"c{i}")))], TestEvents.By(), Cancel);
        await store.AppendAsync(new StreamAppend(Key(7777), ExpectedVersion.Exactly(1), TestEvents.Moved("elsewhere")), TestEvents.By(), Cancel);
        var drawn = await fixture.LastDrawnSeqIdAsync(store);

        var batch = Enumerable.Range(0, BatchSize).Select(i => new StreamAppend(Key(i), ExpectedVersion.Exactly(1), TestEvents.Moved("buyer")))
            .Append(new StreamAppend("chip-new", ExpectedVersion.NoStream, TestEvents.Registered("new")))
            .ToList();
        var conflict = await Assert.ThrowsAsync<StreamVersionConflictException>(() => store.AppendAsync(batch, TestEvents.By(), Cancel));

        var only = Assert.Single(conflict.Conflicts);
        Assert.Equal(new StreamVersionConflict(Key(7777), ExpectedVersion.Exactly(1), 2), only);
        Assert.Equal(BatchSize + 1L, await fixture.CountAsync(store, "events"));
        Assert.Equal((long)BatchSize, await fixture.CountAsync(store, "streams"));
        Assert.Equal(drawn, await fixture.LastDrawnSeqIdAsync(store));
        Assert.Equal(1, await store.FetchStreamVersionAsync(Key(0), Cancel));
    }

    [Fact]
    public async Task every_conflicting_stream_is_named()
    {
        var store = await fixture.StartStoreAsync();
        await store.AppendAsync([new StreamAppend("a", ExpectedVersion.NoStream, TestEvents.Registered("a")), new StreamAppend("b", ExpectedVersion.NoStream, TestEvents.Registered("b"))], TestEvents.By(), Cancel);

        var conflict = await Assert.ThrowsAsync<StreamVersionConflictException>(() => store.AppendAsync(
            [new StreamAppend("c", ExpectedVersion.Exactly(1), TestEvents.Moved("x")), new StreamAppend("a", ExpectedVersion.Exactly(1), TestEvents.Moved("x")), new StreamAppend("b", ExpectedVersion.NoStream, TestEvents.Moved("x"))],
            TestEvents.By(), Cancel));

        Assert.Equal(
            [new StreamVersionConflict("c", ExpectedVersion.Exactly(1), 0), new StreamVersionConflict("b", ExpectedVersion.NoStream, 1)],
            conflict.Conflicts);
        Assert.Equal(2, await fixture.CountAsync(store, "events"));
    }

    [Fact]
    public async Task new_and_existing_streams_mix_in_one_append()
    {
        var store = await fixture.StartStoreAsync();
        await store.AppendAsync(new StreamAppend("old", ExpectedVersion.NoStream, TestEvents.Registered("old")), TestEvents.By(), Cancel);

        var result = await store.AppendAsync(
            [new StreamAppend("old", ExpectedVersion.Exactly(1), [TestEvents.Moved("x"), TestEvents.Moved("y")]), new StreamAppend("new", ExpectedVersion.NoStream, TestEvents.Registered("new")), new StreamAppend("any", ExpectedVersion.Any, TestEvents.Registered("any"))],
            TestEvents.By(), Cancel);

        Assert.Equal([new AppendedStream("old", 3), new AppendedStream("new", 1), new AppendedStream("any", 1)], result.Streams);
        var events = await store.ReadStreamAsync("old", cancellationToken: Cancel);
        Assert.Equal(result.SeqIds.Take(2), events.Skip(1).Select(e => e.SeqId));
    }

    [Fact]
    public async Task a_stream_named_twice_in_one_append_is_refused()
    {
        var store = await fixture.StartStoreAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => store.AppendAsync(
            [new StreamAppend("a", ExpectedVersion.Any, TestEvents.Registered("a")), new StreamAppend("a", ExpectedVersion.Any, TestEvents.Moved("b"))],
            TestEvents.By(), Cancel));
    }
}
