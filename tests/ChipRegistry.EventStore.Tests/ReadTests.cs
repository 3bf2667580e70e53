using ChipRegistry.EventStore.Tests.Support;
using NodaTime;

namespace ChipRegistry.EventStore.Tests;

public sealed class ReadTests(StoreFixture fixture) : IClassFixture<StoreFixture>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static readonly Instant Day1 = Instant.FromUtc(2024, 6, 1, 0, 0);

    private static NewEvent MovedOn(string to, int day) => new(new ThingMoved(to, new LocalDate(2024, 6, day)), Day1 + Duration.FromDays(day - 1));

    private static IReadOnlyList<string> Places(IReadOnlyList<string> state, object e) => e switch
    {
        ThingRegistered r => [.. state, $"registered {r.Name}"],
        ThingMoved m => [.. state, m.To],
        _ => state,
    };

    [Fact]
    public async Task a_stream_is_read_from_a_version()
    {
        var store = await fixture.StartStoreAsync();
        await store.AppendAsync(new StreamAppend("thing-1", ExpectedVersion.NoStream, [MovedOn("a", 1), MovedOn("b", 2), MovedOn("c", 3)]), TestEvents.By(), Cancel);

        var events = await store.ReadStreamAsync("thing-1", fromVersion: 2, cancellationToken: Cancel);

        Assert.Equal(["b", "c"], events.Select(e => ((ThingMoved)e.Data).To));
    }

    [Fact]
    public async Task the_keys_of_one_stream_type_are_listed_in_key_order_a_page_after_a_key()
    {
        var store = await fixture.StartStoreAsync();
        foreach (var key in new[] { "thing/c", "thing/a", "thing/b" })
        {
            await store.AppendAsync(new StreamAppend(key, ExpectedVersion.NoStream, TestEvents.Registered(key), "thing"), TestEvents.By(), Cancel);
        }
        await store.AppendAsync(new StreamAppend("other/a", ExpectedVersion.NoStream, TestEvents.Registered("o"), "other"), TestEvents.By(), Cancel);
        await store.AppendAsync(new StreamAppend("untyped", ExpectedVersion.NoStream, TestEvents.Registered("u")), TestEvents.By(), Cancel);

        Assert.Equal(["thing/a", "thing/b", "thing/c"], await store.ListStreamKeysAsync("thing", null, 10, Cancel));
        Assert.Equal(["thing/a", "thing/b"], await store.ListStreamKeysAsync("thing", null, 2, Cancel));
        Assert.Equal(["thing/b"], await store.ListStreamKeysAsync("thing", "thing/a", 1, Cancel));
        Assert.Empty(await store.ListStreamKeysAsync("thing", "thing/c", 10, Cancel));
        Assert.Equal(["other/a"], await store.ListStreamKeysAsync("other", null, 10, Cancel));
        Assert.Empty(await store.ListStreamKeysAsync("nothing", null, 10, Cancel));
    }

    [Fact]
    public async Task a_stream_folds_into_state()
    {
        var store = await fixture.StartStoreAsync();
        await store.AppendAsync(new StreamAppend("thing-1", ExpectedVersion.NoStream, [TestEvents.Registered("x"), MovedOn("a", 1), MovedOn("b", 2)]), TestEvents.By(), Cancel);

        var aggregate = await store.AggregateStreamAsync<IReadOnlyList<string>>("thing-1", [], Places, cancellationToken: Cancel);

        Assert.Equal(["registered x", "a", "b"], aggregate.State);
        Assert.Equal(3, aggregate.Version);
    }

    [Fact]
    public async Task a_missing_stream_folds_to_the_seed_at_version_zero()
    {
        var store = await fixture.StartStoreAsync();

        var aggregate = await store.AggregateStreamAsync<IReadOnlyList<string>>("nothing", [], Places, cancellationToken: Cancel);

        Assert.Empty(aggregate.State);
        Assert.Equal(0, aggregate.Version);
    }

    [Fact]
    public async Task a_fold_as_of_a_business_instant_applies_what_had_occurred_by_then()
    {
        var store = await fixture.StartStoreAsync();
        await store.AppendAsync(new StreamAppend("thing-1", ExpectedVersion.NoStream, [MovedOn("a", 1), MovedOn("b", 5)]), TestEvents.By(), Cancel);
        // A late report: recorded last, but it happened on day 3.
        await store.AppendAsync(new StreamAppend("thing-1", ExpectedVersion.Exactly(2), MovedOn("late", 3)), TestEvents.By(), Cancel);

        var asOfDay3 = await store.AggregateStreamAsync<IReadOnlyList<string>>("thing-1", [], Places, AsOf.Occurred(Day1 + Duration.FromDays(2)), Cancel);
        var asOfDay4 = await store.AggregateStreamAsync<IReadOnlyList<string>>("thing-1", [], Places, AsOf.Occurred(Day1 + Duration.FromDays(3)), Cancel);

        Assert.Equal(["a", "late"], asOfDay3.State);
        Assert.Equal(3, asOfDay3.Version);
        Assert.Equal(["a", "late"], asOfDay4.State);
    }

    [Fact]
    public async Task a_fold_as_of_a_recorded_instant_shows_what_the_registry_knew_then()
    {
        var store = await fixture.StartStoreAsync();
        await store.AppendAsync(new StreamAppend("thing-1", ExpectedVersion.NoStream, [MovedOn("a", 1), MovedOn("b", 5)]), TestEvents.By(), Cancel);
        var knownThen = (await store.ReadStreamAsync("thing-1", cancellationToken: Cancel))[^1].RecordedAt;
        await store.AppendAsync(new StreamAppend("thing-1", ExpectedVersion.Exactly(2), MovedOn("late", 3)), TestEvents.By(), Cancel);

        var audit = await store.AggregateStreamAsync<IReadOnlyList<string>>("thing-1", [], Places, AsOf.Recorded(knownThen), Cancel);
        var justBefore = await store.ReadStreamAsync("thing-1", asOf: AsOf.Recorded(knownThen - Duration.FromNanoseconds(1_000)), cancellationToken: Cancel);

        Assert.Equal(["a", "b"], audit.State);
        Assert.Equal(2, audit.Version);
        Assert.Empty(justBefore);
    }

    [Fact]
    public async Task the_global_feed_returns_events_after_a_sequence_number_in_order()
    {
        var store = await fixture.StartStoreAsync();
        var a = await store.AppendAsync(new StreamAppend("a", ExpectedVersion.NoStream, [MovedOn("1", 1), MovedOn("2", 2)]), TestEvents.By(), Cancel);
        var b = await store.AppendAsync(new StreamAppend("b", ExpectedVersion.NoStream, MovedOn("3", 3)), TestEvents.By(), Cancel);
        var c = await store.AppendAsync(new StreamAppend("a", ExpectedVersion.Exactly(2), MovedOn("4", 4)), TestEvents.By(), Cancel);

        var page = await store.ReadAllAsync(a.SeqIds[0], limit: 2, Cancel);
        var rest = await store.ReadAllAsync(page[^1].SeqId, limit: 100, Cancel);

        Assert.Equal([a.SeqIds[1], b.SeqIds[0]], page.Select(e => e.SeqId));
        Assert.Equal(c.SeqIds, rest.Select(e => e.SeqId));
    }

    [Fact]
    public async Task events_of_a_type_this_process_does_not_know_are_read_as_unregistered()
    {
        var options = fixture.Options();
        var store = await fixture.StartStoreAsync(options);
        await store.AppendAsync(new StreamAppend("thing-1", ExpectedVersion.NoStream, [TestEvents.Registered("x"), new NewEvent(new ThingRetired("old"), Day1)]), TestEvents.By(), Cancel);
        var older = PostgresEventStore.Create(fixture.DataSource, new EventStoreOptions(new EventTypeRegistry().Register<ThingRegistered>("thing_registered")) { Schema = options.Schema });

        var events = await older.ReadStreamAsync("thing-1", cancellationToken: Cancel);

        Assert.IsType<ThingRegistered>(events[0].Data);
        Assert.Equal("thing_retired", Assert.IsType<UnregisteredEvent>(events[1].Data).TypeName);
    }
}
