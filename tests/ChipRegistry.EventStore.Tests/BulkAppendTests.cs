using ChipRegistry.EventStore.Tests.Support;
using NodaTime;

namespace ChipRegistry.EventStore.Tests;

public sealed class BulkAppendTests(StoreFixture fixture) : IClassFixture<StoreFixture>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static string Key(int i) => $"nvidia:{i:D9}";

    private static IEnumerable<NewStream> Registrations(IEnumerable<int> numbers) =>
        numbers.Select(i => new NewStream(Key(i), TestEvents.Registered($"chip {i}")));

    private static async IAsyncEnumerable<NewStream> Streamed(int count)
    {
        for (var i = 0; i < count; i++)
        {
            if (i % 10_000 == 0)
            {
                await Task.Yield();
            }
            yield return new NewStream(Key(i), TestEvents.Registered($"chip {i}"));
        }
    }

    [Fact]
    public async Task a_hundred_thousand_new_streams_are_created_in_one_call_from_a_stream_of_input()
    {
        var store = await fixture.StartStoreAsync();

        var result = await store.StartStreamsAsync("chip", Streamed(100_000), new AppendMetadata("org-maker") { CorrelationId = "lot-1" }, Cancel);

        Assert.Equal(new BulkAppendResult(100_000, 100_000, Replayed: false), result);
        Assert.Equal(100_000L, await fixture.CountAsync(store, "events"));
        Assert.Equal(100_000L, await fixture.ScalarAsync<long>($"select count(*) from {store.Schema.Quoted}.streams where version = 1 and type = 'chip'"));
        var one = Assert.Single(await store.ReadStreamAsync(Key(65_432), cancellationToken: Cancel));
        Assert.Equal(new ThingRegistered("chip 65432", TestEvents.Epoch), one.Data);
        Assert.Equal("lot-1", one.CorrelationId);
        Assert.Equal("org-maker", one.ActingOrganisation);
    }

    [Fact]
    public async Task streams_with_several_events_get_consecutive_versions()
    {
        var store = await fixture.StartStoreAsync();

        await store.StartStreamsAsync(null, [new NewStream("a", [TestEvents.Registered("a"), TestEvents.Moved("x"), TestEvents.Moved("y")]), new NewStream("b", TestEvents.Registered("b"))], TestEvents.By(), Cancel);

        Assert.Equal([1L, 2L, 3L], (await store.ReadStreamAsync("a", cancellationToken: Cancel)).Select(e => e.Version));
        Assert.Equal(3, await store.FetchStreamVersionAsync("a", Cancel));
        Assert.Equal(1, await store.FetchStreamVersionAsync("b", Cancel));
    }

    [Fact]
    public async Task two_overlapping_batches_in_opposite_orders_one_wins_whole_and_the_other_is_told_which_streams_exist()
    {
        var store = await fixture.StartStoreAsync();
        var first = Enumerable.Range(0, 30_000).ToList();
        var second = Enumerable.Range(15_000, 30_000).Reverse().ToList();

        var outcomes = await Task.WhenAll(
            Outcome(() => store.StartStreamsAsync("chip", Registrations(first), TestEvents.By("org-a"), Cancel)),
            Outcome(() => store.StartStreamsAsync("chip", Registrations(second), TestEvents.By("org-b"), Cancel)));

        var winner = Assert.Single(outcomes, o => o.Error is null);
        var loser = Assert.Single(outcomes, o => o.Error is not null);
        var conflict = Assert.IsType<StreamVersionConflictException>(loser.Error);
        var overlap = first.Intersect(second).Select(Key).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(overlap, conflict.Conflicts.Select(c => c.StreamKey));
        Assert.All(conflict.Conflicts, c => Assert.Equal(new StreamVersionConflict(c.StreamKey, ExpectedVersion.NoStream, 1), c));
        Assert.Equal(30_000L, await fixture.CountAsync(store, "events"));
        Assert.Equal(30_000L, await fixture.CountAsync(store, "streams"));
        var winningOrganisation = winner == outcomes[0] ? "org-a" : "org-b";
        Assert.Equal(30_000L, await fixture.ScalarAsync<long>($"select count(*) from {store.Schema.Quoted}.events where acting_organisation = '{winningOrganisation}'"));
    }

    [Fact]
    public async Task a_batch_naming_an_existing_stream_creates_nothing()
    {
        var store = await fixture.StartStoreAsync();
        await store.AppendAsync(new StreamAppend(Key(500), ExpectedVersion.NoStream, [TestEvents.Registered("old"), TestEvents.Moved("x")]), TestEvents.By(), Cancel);

        var conflict = await Assert.ThrowsAsync<StreamVersionConflictException>(() =>
            store.StartStreamsAsync("chip", Registrations(Enumerable.Range(0, 1_000)), TestEvents.By(), Cancel));

        Assert.Equal(new StreamVersionConflict(Key(500), ExpectedVersion.NoStream, 2), Assert.Single(conflict.Conflicts));
        Assert.Equal(1L, await fixture.CountAsync(store, "streams"));
        Assert.Equal(2L, await fixture.CountAsync(store, "events"));
    }

    [Fact]
    public async Task a_batch_naming_a_stream_twice_is_refused_and_creates_nothing()
    {
        var store = await fixture.StartStoreAsync();

        await Assert.ThrowsAsync<ArgumentException>(() =>
            store.StartStreamsAsync("chip", Registrations([1, 2, 3, 2]), TestEvents.By(), Cancel));

        Assert.Equal(0L, await fixture.CountAsync(store, "streams"));
        Assert.Equal(0L, await fixture.CountAsync(store, "events"));
    }

    [Fact]
    public async Task a_nanosecond_business_time_round_trips_through_copy_truncated_to_microseconds()
    {
        var store = await fixture.StartStoreAsync();
        var occurred = Instant.FromUtc(1999, 12, 31, 23, 59, 59).PlusNanoseconds(999_999_999);

        await store.StartStreamsAsync("chip", [new NewStream("y2k", new NewEvent(new ThingRegistered("y2k", occurred), occurred))], TestEvents.By(), Cancel);

        var stored = Assert.Single(await store.ReadStreamAsync("y2k", cancellationToken: Cancel));
        Assert.Equal(Instant.FromUtc(1999, 12, 31, 23, 59, 59).PlusNanoseconds(999_999_000), stored.OccurredAt);
    }

    [Fact]
    public async Task an_empty_batch_does_nothing()
    {
        var store = await fixture.StartStoreAsync();

        var result = await store.StartStreamsAsync("chip", [], TestEvents.By(), Cancel);

        Assert.Equal(new BulkAppendResult(0, 0, Replayed: false), result);
    }

    private static async Task<(object? Result, Exception? Error)> Outcome(Func<Task<BulkAppendResult>> run)
    {
        try
        {
            return (await Task.Run(run), null);
        }
        catch (Exception e) when (e is StreamVersionConflictException or TransientEventStoreException)
        {
            return (null, e);
        }
    }
}
