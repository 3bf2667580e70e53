using System.Collections.Concurrent;
using System.Diagnostics;
using ChipRegistry.EventStore.Tests.Support;

namespace ChipRegistry.EventStore.Tests;

public sealed class ConcurrentWritersTests(StoreFixture fixture) : IClassFixture<StoreFixture>
{
    private const int Writers = 32;
    private const int Streams = 6;
    private static readonly TimeSpan RaceFor = TimeSpan.FromSeconds(4);

    [Fact]
    public async Task thirty_two_writers_racing_on_the_same_streams_leave_gapless_versions_and_lose_no_acknowledged_event()
    {
        var cancel = TestContext.Current.CancellationToken;
        var store = await fixture.StartStoreAsync();
        var acknowledged = new ConcurrentBag<(string Stream, long Version, Guid EventId)>();
        var unexpected = new ConcurrentBag<Exception>();
        long attempts = 0, conflicts = 0;
        var clock = Stopwatch.StartNew();

        await Task.WhenAll(Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
        {
            var random = new Random(writer);
            while (clock.Elapsed < RaceFor)
            {
                var stream = $"thing-{random.Next(Streams)}";
                var known = await store.FetchStreamVersionAsync(stream, cancel);
                var expected = known == 0 ? ExpectedVersion.NoStream : ExpectedVersion.Exactly(known);
                var events = Enumerable.Range(0, random.Next(1, 3)).Select(_ => new NewEvent(new ThingMoved($"w{writer}", new NodaTime.LocalDate(2025, 1, 1)), TestEvents.Epoch, Guid.NewGuid())).ToList();
                Interlocked.Increment(ref attempts);
                try
                {
                    var result = await store.AppendAsync(new StreamAppend(stream, expected, events), TestEvents.By($"org-{writer}"), cancel);
                    var first = result.VersionOf(stream) - events.Count + 1;
                    for (var i = 0; i < events.Count; i++)
                    {
                        acknowledged.Add((stream, first + i, events[i].EventId!.Value));
                    }
                }
                catch (StreamVersionConflictException conflict) when (conflict.StreamKey == stream && conflict.Expected == expected && conflict.ActualVersion != known)
                {
                    Interlocked.Increment(ref conflicts);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    unexpected.Add(e);
                }
            }
        }, cancel)));

        Assert.Empty(unexpected);
        var appends = attempts - conflicts;
        Assert.True(conflicts > 0, "the writers never collided, so the race proved nothing");
        Assert.Equal(attempts, appends + conflicts);
        var readBack = new Dictionary<(string, long), Guid>();
        for (var s = 0; s < Streams; s++)
        {
            var stream = $"thing-{s}";
            var events = await store.ReadStreamAsync(stream, cancellationToken: cancel);
            Assert.Equal(Enumerable.Range(1, events.Count).Select(v => (long)v), events.Select(e => e.Version));
            Assert.Equal(events.Count, await store.FetchStreamVersionAsync(stream, cancel));
            foreach (var e in events)
            {
                readBack[(stream, e.Version)] = e.EventId;
            }
        }
        Assert.Equal(readBack.Count, acknowledged.Count);
        Assert.All(acknowledged, a => Assert.Equal(a.EventId, readBack[(a.Stream, a.Version)]));
    }
}
