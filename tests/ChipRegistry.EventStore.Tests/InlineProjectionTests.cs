using ChipRegistry.EventStore.Tests.Support;
using NpgsqlTypes;

namespace ChipRegistry.EventStore.Tests;

public sealed class InlineProjectionTests(StoreFixture fixture) : IClassFixture<StoreFixture>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static readonly Migration PositionsTable = new("test_projection", 1, "positions",
        "create table {schema}.positions (stream_key text not null, version bigint not null, seq_id bigint not null, primary key (stream_key, version));");

    /// <summary>Writes one row per event; refuses a retirement, to prove the append rolls back with it.</summary>
    private sealed class Positions : IInlineProjection
    {
        public string Name => "positions";

        public async Task ApplyAsync(ProjectionSession session, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
        {
            if (events.Any(e => e.Data is ThingRetired))
            {
                throw new InvalidOperationException("positions refuse retirements");
            }
            await using var command = session.CreateCommand(
                $"insert into {session.Schema.Quoted}.positions (stream_key, version, seq_id) select * from unnest($1, $2, $3)");
            command.Parameters.Add(new Npgsql.NpgsqlParameter<string[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = [.. events.Select(e => e.StreamKey)] });
            command.Parameters.Add(new Npgsql.NpgsqlParameter<long[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, TypedValue = [.. events.Select(e => e.Version)] });
            command.Parameters.Add(new Npgsql.NpgsqlParameter<long[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, TypedValue = [.. events.Select(e => e.SeqId)] });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private Task<PostgresEventStore> StartAsync() =>
        fixture.StartStoreAsync(new EventStoreOptions(TestEvents.Registry())
        {
            Schema = StoreFixture.NewSchemaName(),
            InlineProjections = [new Positions()],
            AdditionalMigrations = [PositionsTable],
        });

    /// <summary>The projection's rows must be exactly the stored events' positions.</summary>
    private async Task AssertProjectedAsync(PostgresEventStore store, long expectedRows)
    {
        var mismatches = await fixture.ScalarAsync<long>(
            $"""
            select count(*) from {store.Schema.Quoted}.events e
            full join {store.Schema.Quoted}.positions p on p.stream_key = e.stream_key and p.version = e.version and p.seq_id = e.seq_id
            where e.seq_id is null or p.seq_id is null
            """);
        Assert.Equal(0, mismatches);
        Assert.Equal(expectedRows, await fixture.CountAsync(store, "positions"));
    }

    [Fact]
    public async Task a_single_stream_append_is_projected_in_its_transaction()
    {
        var store = await StartAsync();

        await store.AppendAsync(new StreamAppend("thing-1", ExpectedVersion.NoStream, [TestEvents.Registered("a"), TestEvents.Moved("b")]), TestEvents.By(), Cancel);
        await store.AppendAsync(new StreamAppend("thing-1", ExpectedVersion.Exactly(2), TestEvents.Moved("c")), TestEvents.By(), Cancel);

        await AssertProjectedAsync(store, 3);
    }

    [Fact]
    public async Task a_multi_stream_append_is_projected_in_its_transaction()
    {
        var store = await StartAsync();

        await store.AppendAsync([.. Enumerable.Range(0, 500).Select(i => new StreamAppend($"chip-{i}", ExpectedVersion.Any, [TestEvents.Registered("a"), TestEvents.Moved("b")]))], TestEvents.By(), Cancel);

        await AssertProjectedAsync(store, 1_000);
    }

    [Fact]
    public async Task a_bulk_creation_is_projected_in_its_transaction_page_by_page()
    {
        var store = await StartAsync();

        await store.StartStreamsAsync("chip", Enumerable.Range(0, 25_000).Select(i => new NewStream($"chip-{i}", TestEvents.Registered($"c{i}"))), TestEvents.By(), Cancel);

        await AssertProjectedAsync(store, 25_000);
    }

    [Fact]
    public async Task a_failing_inline_projection_rolls_the_single_append_back()
    {
        var store = await StartAsync();
        await store.AppendAsync(new StreamAppend("thing-1", ExpectedVersion.NoStream, TestEvents.Registered("a")), TestEvents.By(), Cancel);

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            store.AppendAsync(new StreamAppend("thing-1", ExpectedVersion.Exactly(1), [TestEvents.Moved("b"), new NewEvent(new ThingRetired("x"), TestEvents.Epoch)]), TestEvents.By(), Cancel));

        Assert.Equal(1, await store.FetchStreamVersionAsync("thing-1", Cancel));
        await AssertProjectedAsync(store, 1);
    }

    [Fact]
    public async Task a_failing_inline_projection_rolls_the_multi_stream_append_back()
    {
        var store = await StartAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.AppendAsync(
            [new StreamAppend("a", ExpectedVersion.NoStream, TestEvents.Registered("a")), new StreamAppend("b", ExpectedVersion.NoStream, new NewEvent(new ThingRetired("x"), TestEvents.Epoch))],
            TestEvents.By(), Cancel));

        Assert.Equal(0L, await fixture.CountAsync(store, "streams"));
        await AssertProjectedAsync(store, 0);
    }

    [Fact]
    public async Task a_failing_inline_projection_rolls_the_bulk_creation_back()
    {
        var store = await StartAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.StartStreamsAsync("chip",
            Enumerable.Range(0, 20_000).Select(i => new NewStream($"chip-{i}", i == 15_000 ? new NewEvent(new ThingRetired("x"), TestEvents.Epoch) : TestEvents.Registered("a"))),
            TestEvents.By(), Cancel));

        Assert.Equal(0L, await fixture.CountAsync(store, "streams"));
        await AssertProjectedAsync(store, 0);
    }

    [Fact]
    public async Task a_failing_projection_with_an_idempotency_key_leaves_the_key_free()
    {
        var store = await StartAsync();
        var metadata = new AppendMetadata("org-1") { IdempotencyKey = "k-1" };

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            store.AppendAsync(new StreamAppend("a", ExpectedVersion.NoStream, new NewEvent(new ThingRetired("x"), TestEvents.Epoch)), metadata, Cancel));

        Assert.Equal(0L, await fixture.CountAsync(store, "idempotency_keys"));
    }
}
