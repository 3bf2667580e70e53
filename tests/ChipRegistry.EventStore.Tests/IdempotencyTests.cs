using System.Security.Cryptography;
using System.Text;
using ChipRegistry.EventStore.Tests.Support;

namespace ChipRegistry.EventStore.Tests;

public sealed class IdempotencyTests(StoreFixture fixture) : IClassFixture<StoreFixture>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static AppendMetadata Keyed(string key, string organisation = "org-1") => new(organisation) { IdempotencyKey = key };

    [Fact]
    public async Task an_idempotent_retry_returns_the_first_result_and_appends_nothing()
    {
        var store = await fixture.StartStoreAsync();
        var append = new StreamAppend("thing-1", ExpectedVersion.NoStream, [TestEvents.Registered("a"), TestEvents.Moved("b")]);
        var first = await store.AppendAsync(append, Keyed("k-1"), Cancel);

        // A retry mints new event ids, as a client resending the same request would.
        var retry = await store.AppendAsync(append with { Events = [.. append.Events.Select(e => e with { EventId = Guid.NewGuid() })] }, Keyed("k-1"), Cancel);

        Assert.True(retry.Replayed);
        Assert.Equal(first.Streams, retry.Streams);
        Assert.Equal(first.SeqIds, retry.SeqIds);
        Assert.Equal(2L, await fixture.CountAsync(store, "events"));
        Assert.All(await store.ReadStreamAsync("thing-1", cancellationToken: Cancel), e => Assert.Equal("k-1", e.IdempotencyKey));
    }

    [Fact]
    public async Task a_reused_key_with_a_different_request_is_rejected()
    {
        var store = await fixture.StartStoreAsync();
        await store.AppendAsync(new StreamAppend("thing-1", ExpectedVersion.NoStream, TestEvents.Registered("a")), Keyed("k-1"), Cancel);

        var reused = await Assert.ThrowsAsync<IdempotencyKeyReusedException>(() =>
            store.AppendAsync(new StreamAppend("thing-1", ExpectedVersion.Exactly(1), TestEvents.Moved("b")), Keyed("k-1"), Cancel));

        Assert.Equal("org-1", reused.Organisation);
        Assert.Equal("k-1", reused.Key);
        Assert.Equal(1L, await fixture.CountAsync(store, "events"));
    }

    [Fact]
    public async Task keys_are_scoped_to_the_acting_organisation()
    {
        var store = await fixture.StartStoreAsync();
        await store.AppendAsync(new StreamAppend("thing-1", ExpectedVersion.NoStream, TestEvents.Registered("a")), Keyed("k-1", "org-1"), Cancel);

        var other = await store.AppendAsync(new StreamAppend("thing-2", ExpectedVersion.NoStream, TestEvents.Registered("a")), Keyed("k-1", "org-2"), Cancel);

        Assert.False(other.Replayed);
        Assert.Equal(2L, await fixture.CountAsync(store, "events"));
    }

    [Fact]
    public async Task a_rejected_append_does_not_use_up_its_key()
    {
        var store = await fixture.StartStoreAsync();
        await store.AppendAsync(new StreamAppend("thing-1", ExpectedVersion.NoStream, TestEvents.Registered("a")), TestEvents.By(), Cancel);

        await Assert.ThrowsAsync<StreamVersionConflictException>(() =>
            store.AppendAsync(new StreamAppend("thing-1", ExpectedVersion.NoStream, TestEvents.Moved("b")), Keyed("k-1"), Cancel));
        var next = await store.AppendAsync(new StreamAppend("thing-1", ExpectedVersion.Exactly(1), TestEvents.Moved("b")), Keyed("k-1"), Cancel);

        Assert.False(next.Replayed);
        Assert.Equal(2, next.VersionOf("thing-1"));
    }

    [Fact]
    public async Task concurrent_duplicates_append_once()
    {
        var store = await fixture.StartStoreAsync();
        var append = new StreamAppend("thing-1", ExpectedVersion.Any, TestEvents.Moved("b"));

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => store.AppendAsync(append, Keyed("k-1"), Cancel), Cancel)));

        Assert.Single(results, r => !r.Replayed);
        Assert.All(results, r => Assert.Equal(results[0].SeqIds, r.SeqIds));
        Assert.Equal(1L, await fixture.CountAsync(store, "events"));
    }

    [Fact]
    public async Task a_multi_stream_retry_appends_nothing()
    {
        var store = await fixture.StartStoreAsync();
        List<StreamAppend> sale = [.. Enumerable.Range(0, 100).Select(i => new StreamAppend($"chip-{i}", ExpectedVersion.NoStream, TestEvents.Registered($"c{i}")))];
        var first = await store.AppendAsync(sale, Keyed("sale-1"), Cancel);

        var retry = await store.AppendAsync(sale, Keyed("sale-1"), Cancel);

        Assert.True(retry.Replayed);
        Assert.Equal(first.Streams, retry.Streams);
        Assert.Equal(100L, await fixture.CountAsync(store, "events"));
    }

    [Fact]
    public async Task a_bulk_retry_appends_nothing_and_a_different_bulk_under_the_key_is_rejected()
    {
        var store = await fixture.StartStoreAsync();
        NewStream[] lot = [.. Enumerable.Range(0, 1_000).Select(i => new NewStream($"chip-{i}", TestEvents.Registered($"c{i}")))];
        await store.StartStreamsAsync("chip", lot, Keyed("lot-1"), Cancel);

        var retry = await store.StartStreamsAsync("chip", lot, Keyed("lot-1"), Cancel);
        await Assert.ThrowsAsync<IdempotencyKeyReusedException>(() => store.StartStreamsAsync("chip", lot[..10], Keyed("lot-1"), Cancel));

        Assert.Equal(new BulkAppendResult(1_000, 1_000, Replayed: true), retry);
        Assert.Equal(1_000L, await fixture.CountAsync(store, "events"));
    }

    [Fact]
    public async Task a_saved_response_is_found_with_the_same_request_and_refused_with_another()
    {
        var store = await fixture.StartStoreAsync();
        var hash = Hash("POST /chips {...}");

        Assert.Null(await store.FindResponseAsync("org-1", "idem-1", hash, Cancel));
        await store.SaveResponseAsync("org-1", "idem-1", hash, new StoredResponse(201, """{"id":"chip-1"}"""), Cancel);

        Assert.Equal(new StoredResponse(201, """{"id":"chip-1"}"""), await store.FindResponseAsync("org-1", "idem-1", hash, Cancel));
        Assert.Null(await store.FindResponseAsync("org-2", "idem-1", hash, Cancel));
        await Assert.ThrowsAsync<IdempotencyKeyReusedException>(() => store.FindResponseAsync("org-1", "idem-1", Hash("other"), Cancel));
        await Assert.ThrowsAsync<IdempotencyKeyReusedException>(() => store.SaveResponseAsync("org-1", "idem-1", Hash("other"), new StoredResponse(200, ""), Cancel));
    }

    [Fact]
    public async Task an_append_and_its_http_response_share_one_key_when_the_request_hash_is_given()
    {
        var store = await fixture.StartStoreAsync();
        var hash = Hash("POST /chips/thing-1/moves");
        var metadata = Keyed("idem-7") with { RequestHash = hash };

        var first = await store.AppendAsync(new StreamAppend("thing-1", ExpectedVersion.Any, TestEvents.Moved("x")), metadata, Cancel);
        Assert.Null(await store.FindResponseAsync("org-1", "idem-7", hash, Cancel));
        await store.SaveResponseAsync("org-1", "idem-7", hash, new StoredResponse(200, "{}"), Cancel);
        var retry = await store.AppendAsync(new StreamAppend("thing-1", ExpectedVersion.Any, TestEvents.Moved("x")), metadata, Cancel);

        Assert.Equal(new StoredResponse(200, "{}"), await store.FindResponseAsync("org-1", "idem-7", hash, Cancel));
        Assert.True(retry.Replayed);
        Assert.Equal(first.SeqIds, retry.SeqIds);
    }

    [Fact]
    public async Task an_append_held_for_its_response_commits_with_it_or_not_at_all()
    {
        var store = await fixture.StartStoreAsync();
        var hash = Hash("POST /things/thing-9/moves");
        var response = new StoredResponse(201, Encoding.UTF8.GetBytes("""{"version":1}"""),
            new Dictionary<string, string> { ["Content-Type"] = "application/json; charset=utf-8", ["ETag"] = "\"1\"" });
        var append = new StreamAppend("thing-9", ExpectedVersion.Any, TestEvents.Moved("x"));

        await using (var abandoned = new ResponseCommit())
        {
            await store.AppendAsync(append, Keyed("idem-9") with { RequestHash = hash, ResponseCommit = abandoned }, Cancel);
            Assert.True(abandoned.HoldsAppend);
        }
        var afterAbandoned = await fixture.CountAsync(store, "events");
        var keptAfterAbandoned = await store.FindResponseAsync("org-1", "idem-9", hash, Cancel);

        await using var commit = new ResponseCommit();
        await store.AppendAsync(append, Keyed("idem-9") with { RequestHash = hash, ResponseCommit = commit }, Cancel);
        var whileHeld = await fixture.CountAsync(store, "events");
        await commit.CommitAsync(response, Cancel);

        Assert.Equal(0L, afterAbandoned);
        Assert.Null(keptAfterAbandoned);
        Assert.Equal(0L, whileHeld);
        Assert.Equal(1L, await fixture.CountAsync(store, "events"));
        Assert.Equal(response, await store.FindResponseAsync("org-1", "idem-9", hash, Cancel));
        Assert.False(commit.HoldsAppend);
    }

    [Fact]
    public async Task an_expired_key_is_forgotten_and_can_be_used_again()
    {
        var store = await fixture.StartStoreAsync();
        await store.AppendAsync(new StreamAppend("thing-1", ExpectedVersion.NoStream, TestEvents.Registered("a")), Keyed("k-1"), Cancel);
        Assert.Equal(30, await fixture.ScalarAsync<int>($"select extract(day from expires_at - created_at)::int from {store.Schema.Quoted}.idempotency_keys"));
        await fixture.ScalarAsync<int>($"with aged as (update {store.Schema.Quoted}.idempotency_keys set created_at = now() - interval '31 days', expires_at = now() - interval '1 day' returning 1) select count(*)::int from aged");

        var again = await store.AppendAsync(new StreamAppend("thing-1", ExpectedVersion.Exactly(1), TestEvents.Moved("b")), Keyed("k-1"), Cancel);

        Assert.False(again.Replayed);
        Assert.Equal(0L, await store.PurgeExpiredIdempotencyKeysAsync(Cancel));
        await fixture.ScalarAsync<int>($"with aged as (update {store.Schema.Quoted}.idempotency_keys set expires_at = now() - interval '1 day' returning 1) select count(*)::int from aged");
        Assert.Equal(1L, await store.PurgeExpiredIdempotencyKeysAsync(Cancel));
    }

    private static byte[] Hash(string request) => SHA256.HashData(Encoding.UTF8.GetBytes(request));
}
