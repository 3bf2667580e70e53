using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Projections.Placements;
using ChipRegistry.EventStore;
using Npgsql;

namespace ChipRegistry.Domain.Projections;

/// <summary>
/// Every chip stream up to a rebuild's mark, each read once and whole, in stream order: what a projection's one-pass
/// rebuild folds (<see cref="IRebuildsFromZero"/>), against re-reading a chip's stream in every batch that touches it.
/// One query through a cursor, fetched <see cref="ChunkEvents"/> rows at a time inside the pass's transaction, so
/// memory stays bounded whatever the log's size and the pass can write between fetches on the same connection; a
/// stream cut by a fetch's end waits for the rest in the next one.
/// <para>
/// Only the chip events that can place a chip are read (by stored type). The others (<see cref="NeverPlace"/>) change
/// no field a stay or a shipment takes from the chip's state, and no event that does rests on one of them
/// (<see cref="ChipState.DependencyOf"/>), so a void through them cascades to none of the rest: the fold gives the
/// same stays and shipments with or without them, and they are 40% of a generated world's events.
/// </para>
/// </summary>
internal static class ChipStreamScan
{
    public const int ChunkEvents = 20_000;

    /// <summary>Attestations, observations, holds and declarations: facts about a chip that never move it.</summary>
    public static IReadOnlySet<Type> NeverPlace { get; } = new HashSet<Type>
    {
        typeof(ChipLocationAttested), typeof(ChipObserved), typeof(ChipHoldPlaced), typeof(ChipHoldReleased), typeof(ChipIllegitimacyDeclared),
    };

    /// <summary>Complete chip streams, in key order, and how many events have been read so far.</summary>
    public sealed record Chunk(IReadOnlyList<(string ChipId, List<SequencedChipEvent> Stream)> Streams, long EventsRead);

    public static async IAsyncEnumerable<Chunk> ReadAsync(AsyncProjectionBatch batch, EventSerializer serializer,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(serializer);
        // The sort of a whole log's chip events; local to the pass's transaction.
        await using (var memory = batch.CreateCommand("set local work_mem = '64MB'"))
        {
            await memory.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var declare = batch.CreateCommand(
            $"""
            declare chip_stream_scan no scroll cursor for
            select e.stream_key, e.seq_id, e.type, e.data::text
            from {batch.EventsTable} e
            where e.seq_id <= $1 and e.type = any($2)
            order by e.stream_key, e.version
            """))
        {
            declare.Parameters.Add(new NpgsqlParameter<long> { TypedValue = batch.ThroughSeqId });
            declare.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = PlacingTypes(serializer) });
            await declare.ExecuteNonQueryAsync(cancellationToken);
        }
        long read = 0;
        (string ChipId, List<SequencedChipEvent> Stream)? open = null;
        while (true)
        {
            var complete = new List<(string, List<SequencedChipEvent>)>();
            var rows = 0;
            await using (var fetch = batch.CreateCommand($"fetch forward {ChunkEvents} from chip_stream_scan"))
            await using (var reader = await fetch.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    rows++;
                    var key = reader.GetString(0);
                    if (open is not { } current || !string.Equals(current.ChipId, key, StringComparison.Ordinal))
                    {
                        if (open is { } done) complete.Add(done);
                        open = (key, []);
                    }
                    var e = (IChipEvent)serializer.Deserialize(reader.GetString(2), reader.GetString(3));
                    open.Value.Stream.Add(new SequencedChipEvent(reader.GetInt64(1), e));
                }
            }
            read += rows;
            var last = rows < ChunkEvents;
            if (last && open is { } final)
            {
                complete.Add(final);
                open = null;
            }
            yield return new Chunk(complete, read);
            if (last) break;
        }
        await using var close = batch.CreateCommand("close chip_stream_scan");
        await close.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string[] PlacingTypes(EventSerializer serializer) =>
        [.. serializer.Types.Names
            .Where(name => serializer.Types.TryGetType(name, out var type) && typeof(IChipEvent).IsAssignableFrom(type) && !NeverPlace.Contains(type))
            .Order(StringComparer.Ordinal)];
}
