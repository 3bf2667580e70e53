using ChipRegistry.EventStore.Tests.Support;
using NodaTime;

namespace ChipRegistry.EventStore.Tests;

public sealed class SingleStreamAppendTests(StoreFixture fixture) : IClassFixture<StoreFixture>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task starting_a_stream_numbers_its_events_from_one()
    {
        var store = await fixture.StartStoreAsync();

        var result = await store.AppendAsync(new StreamAppend("thing-1", ExpectedVersion.NoStream, [TestEvents.Registered("a"), TestEvents.Moved("hall-1")], "thing"), TestEvents.By(), Cancel);

        Assert.False(result.Replayed);
        Assert.Equal(2, result.VersionOf("thing-1"));
        Assert.Equal(2, result.SeqIds.Count);
        Assert.True(result.SeqIds[0] < result.SeqIds[1]);
        var events = await store.ReadStreamAsync("thing-1", cancellationToken: Cancel);
        Assert.Equal([1L, 2L], events.Select(e => e.Version));
        Assert.Equal(result.SeqIds, events.Select(e => e.SeqId));
        Assert.Equal("thing", await fixture.ScalarAsync<string>($"select type from {store.Schema.Quoted}.streams where key = 'thing-1'"));
    }

    [Fact]
    public async Task appending_with_the_current_version_continues_the_stream()
    {
        var store = await fixture.StartStoreAsync();
        await store.AppendAsync(new StreamAppend("thing-1", ExpectedVersion.NoStream, TestEvents.Registered("a")), TestEvents.By(), Cancel);

        var result = await store.AppendAsync(new StreamAppend("thing-1", ExpectedVersion.Exactly(1), TestEvents.Moved("hall-2")), TestEvents.By(), Cancel);

        Assert.Equal(2, result.VersionOf("thing-1"));
        Assert.Equal(2, await store.FetchStreamVersionAsync("thing-1", Cancel));
    }

    [Fact]
    public async Task appending_with_stale_version_is_rejected()
    {
        var store = await fixture.StartStoreAsync();
        await store.AppendAsync(new StreamAppend("thing-1", ExpectedVersion.NoStream, [TestEvents.Registered("a"), TestEvents.Moved("b")]), TestEvents.By(), Cancel);
        var drawn = await fixture.LastDrawnSeqIdAsync(store);

        var conflict = await Assert.ThrowsAsync<StreamVersionConflictException>(() =>
            store.AppendAsync(new StreamAppend("thing-1", ExpectedVersion.Exactly(1), TestEvents.Moved("c")), TestEvents.By(), Cancel));

        Assert.Equal("thing-1", conflict.StreamKey);
        Assert.Equal(ExpectedVersion.Exactly(1), conflict.Expected);
        Assert.Equal(2, conflict.ActualVersion);
        Assert.Equal(2, await fixture.CountAsync(store, "events"));
        Assert.Equal(drawn, await fixture.LastDrawnSeqIdAsync(store));
    }

    [Fact]
    public async Task starting_a_stream_that_exists_is_rejected()
    {
        var store = await fixture.StartStoreAsync();
        await store.AppendAsync(new StreamAppend("thing-1", ExpectedVersion.NoStream, TestEvents.Registered("a")), TestEvents.By(), Cancel);

        var conflict = await Assert.ThrowsAsync<StreamVersionConflictException>(() =>
            store.AppendAsync(new StreamAppend("thing-1", ExpectedVersion.NoStream, TestEvents.Registered("again")), TestEvents.By(), Cancel));

        Assert.Equal(ExpectedVersion.NoStream, conflict.Expected);
        Assert.Equal(1, conflict.ActualVersion);
    }

    [Fact]
    public async Task expecting_a_version_of_a_missing_stream_is_rejected_and_creates_nothing()
    {
        var store = await fixture.StartStoreAsync();

        var conflict = await Assert.ThrowsAsync<StreamVersionConflictException>(() =>
            store.AppendAsync(new StreamAppend("ghost", ExpectedVersion.Exactly(3), TestEvents.Moved("x")), TestEvents.By(), Cancel));

        Assert.Equal(0, conflict.ActualVersion);
        Assert.Equal(0, await fixture.CountAsync(store, "streams"));
        Assert.Equal(0, await fixture.LastDrawnSeqIdAsync(store));
    }

    [Fact]
    public async Task any_version_appends_to_new_and_existing_streams()
    {
        var store = await fixture.StartStoreAsync();

        await store.AppendAsync(new StreamAppend("thing-1", ExpectedVersion.Any, TestEvents.Registered("a")), TestEvents.By(), Cancel);
        var result = await store.AppendAsync(new StreamAppend("thing-1", ExpectedVersion.Any, TestEvents.Moved("b")), TestEvents.By(), Cancel);

        Assert.Equal(2, result.VersionOf("thing-1"));
    }

    [Fact]
    public async Task every_event_carries_its_metadata()
    {
        var store = await fixture.StartStoreAsync();
        var eventId = Guid.NewGuid();
        var metadata = new AppendMetadata("org-17") { CorrelationId = "corr-1", CausationId = "cmd-9" };

        await store.AppendAsync(new StreamAppend("thing-1", ExpectedVersion.NoStream, new NewEvent(new ThingRetired("gone"), TestEvents.Epoch, eventId)), metadata, Cancel);

        var stored = Assert.Single(await store.ReadStreamAsync("thing-1", cancellationToken: Cancel));
        Assert.Equal(eventId, stored.EventId);
        Assert.Equal("thing_retired", stored.TypeName);
        Assert.Equal(new ThingRetired("gone"), stored.Data);
        Assert.Equal("org-17", stored.ActingOrganisation);
        Assert.Equal("corr-1", stored.CorrelationId);
        Assert.Equal("cmd-9", stored.CausationId);
        Assert.Null(stored.IdempotencyKey);
        Assert.Equal(TestEvents.Epoch, stored.OccurredAt);
        var now = SystemClock.Instance.GetCurrentInstant();
        Assert.InRange(stored.RecordedAt, now - Duration.FromMinutes(5), now + Duration.FromMinutes(5));
    }

    [Fact]
    public async Task events_of_one_append_share_their_recorded_time()
    {
        var store = await fixture.StartStoreAsync();

        await store.AppendAsync(new StreamAppend("thing-1", ExpectedVersion.NoStream, [TestEvents.Registered("a"), TestEvents.Moved("b"), TestEvents.Moved("c")]), TestEvents.By(), Cancel);

        var events = await store.ReadStreamAsync("thing-1", cancellationToken: Cancel);
        Assert.Single(events.Select(e => e.RecordedAt).Distinct());
    }

    [Fact]
    public async Task a_nanosecond_business_time_round_trips_truncated_to_microseconds()
    {
        var store = await fixture.StartStoreAsync();
        var occurred = Instant.FromUtc(2024, 7, 1, 8, 30, 15).PlusNanoseconds(987_654_321);

        await store.AppendAsync(new StreamAppend("thing-1", ExpectedVersion.NoStream, new NewEvent(new ThingRegistered("a", occurred), occurred)), TestEvents.By(), Cancel);

        var stored = Assert.Single(await store.ReadStreamAsync("thing-1", cancellationToken: Cancel));
        Assert.Equal(Instant.FromUtc(2024, 7, 1, 8, 30, 15).PlusNanoseconds(987_654_000), stored.OccurredAt);
        Assert.Equal(PostgresTime.Truncate(occurred), stored.OccurredAt);
        // The data keeps what the caller gave: JSON carries nanoseconds.
        Assert.Equal(occurred, ((ThingRegistered)stored.Data).RegisteredAt);
    }

    [Fact]
    public async Task an_append_without_events_or_organisation_is_refused()
    {
        var store = await fixture.StartStoreAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => store.AppendAsync(new StreamAppend("thing-1", ExpectedVersion.Any, []), TestEvents.By(), Cancel));
        await Assert.ThrowsAsync<ArgumentException>(() => store.AppendAsync(new StreamAppend("thing-1", ExpectedVersion.Any, TestEvents.Registered("a")), new AppendMetadata(" "), Cancel));
    }

    [Fact]
    public void a_version_below_one_is_not_an_exact_expectation() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ExpectedVersion.Exactly(0));
}
