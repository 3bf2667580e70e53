using System.Diagnostics;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Organisations;
using JasperFx.Events;
using Marten;
using NodaTime;

namespace ChipRegistry.Bench;

/// <summary>Marten doing what each of our legs does, on the same cluster, in the same run.</summary>
internal static class MartenLegs
{
    private static readonly Actor Manufacturer = new("mfr", OrganisationKind.Manufacturer);

    /// <summary>New one-event streams through the session, <see cref="MartenPeer.SessionBatch"/> per SaveChangesAsync (Quick append).</summary>
    public static async Task<TimeSpan> BulkSessionAsync(DocumentStore store, int round, int from, int count)
    {
        var clock = Stopwatch.StartNew();
        for (var start = from; start < from + count; start += MartenPeer.SessionBatch)
        {
            await using var session = store.LightweightSession();
            for (var i = start; i < Math.Min(from + count, start + MartenPeer.SessionBatch); i++)
            {
                session.Events.StartStream(Key("s", round, i), BenchEvents.Registered(i));
            }
            await session.SaveChangesAsync();
        }
        return clock.Elapsed;
    }

    /// <summary>New one-event streams through BulkInsertEventsAsync (binary COPY; no inline projections, no version checks).</summary>
    public static async Task<TimeSpan> BulkCopyAsync(DocumentStore store, string prefix, int round, int from, int count)
    {
        var clock = Stopwatch.StartNew();
        var streams = new List<StreamAction>(count);
        for (var i = from; i < from + count; i++)
        {
            streams.Add(StreamAction.Start((IEventRegistry)store.Options.Events, Key(prefix, round, i), BenchEvents.Registered(i)));
        }
        await store.BulkInsertEventsAsync(streams, MartenPeer.BulkCopyBatchSize);
        return clock.Elapsed;
    }

    /// <summary>The per-event daemon leg's events: the same keys and data as ours ("chip:N").</summary>
    public static async Task BulkCopyRangeAsync(DocumentStore store, int from, int count)
    {
        var streams = new List<StreamAction>(count);
        for (var i = from; i < from + count; i++)
        {
            streams.Add(StreamAction.Start((IEventRegistry)store.Options.Events, $"chip:{i:D10}", BenchEvents.Registered(i)));
        }
        await store.BulkInsertEventsAsync(streams, MartenPeer.BulkCopyBatchSize);
    }

    public static string Key(string prefix, int round, long i) => $"nvidia:{prefix}{round}:{i:D10}";

    /// <summary>One event per transaction on the writer's own stream, with the exact expected version (Quick append).</summary>
    public static async Task SingleAppendAsync(DocumentStore store, string leg, int writer, long i)
    {
        await using var session = store.LightweightSession();
        var key = $"single:{leg}:{writer}";
        var data = BenchEvents.Observed(writer, i);
        if (i == 0)
        {
            session.Events.StartStream(key, data);
        }
        else
        {
            // Marten's expected version is the one after the append.
            session.Events.Append(key, i + 1, data);
        }
        await session.SaveChangesAsync();
    }

    /// <summary>Registers the command leg's chips on Marten with the domain's own registration events (the inline snapshot follows).</summary>
    public static async Task RegisterChipsAsync(DocumentStore store, RegisterChipLot lot, IReadOnlyList<string> chipIds)
    {
        foreach (var chunk in chipIds.Chunk(MartenPeer.SessionBatch))
        {
            await using var session = store.LightweightSession();
            foreach (var chipId in chunk)
            {
                session.Events.StartStream<MartenChip>(chipId, [.. lot.DecideChip(chipId).Events.Cast<object>()]);
            }
            await session.SaveChangesAsync();
        }
    }

    /// <summary>
    /// The aggregate-handler path: FetchForWriting on the inline snapshot, the domain's decision
    /// against it, append, SaveChangesAsync (which checks the version and updates the snapshot).
    /// </summary>
    public static async Task FetchForWritingAsync(DocumentStore store, string chipId, Instant at)
    {
        await using var session = store.LightweightSession();
        var stream = await session.Events.FetchForWriting<MartenChip>(chipId);
        var command = CommandLegs.Observation(chipId, at);
        var decision = ChipDecisions.Decide(command, stream.Aggregate!.ToState());
        if (!decision.IsAccepted)
        {
            throw new InvalidOperationException($"Marten's command on {chipId} was rejected: {decision.Error}");
        }
        stream.AppendMany([.. decision.Events.Cast<object>()]);
        await session.SaveChangesAsync();
    }
}
