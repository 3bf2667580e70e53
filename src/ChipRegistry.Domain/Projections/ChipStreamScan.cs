using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Projections.Placements;
using ChipRegistry.EventStore;
using Npgsql;

namespace ChipRegistry.Domain.Projections;

/// <summary>
/// Every chip stream up to a rebuild's mark, each read once and whole, in stream order: what a projection's one-pass
/// rebuild folds (<see cref="IRebuildsFromZero"/>), against re-reading a chip's stream in every batch that touches it.
/// Read in chunks of about <see cref="ChunkEvents"/> events, continuing after the last (stream, version) read, so
/// memory stays bounded whatever the log's size; a stream cut by a chunk's end waits for the rest in the next one.
/// Only chip events are read (by stored type), as the incremental batches keep only chip events of a touched stream.
/// </summary>
internal static class ChipStreamScan
{
    public const int ChunkEvents = 20_000;

    /// <summary>Complete chip streams, in key order, and how many events have been read so far.</summary>
    public sealed record Chunk(IReadOnlyList<(string ChipId, List<SequencedChipEvent> Stream)> Streams, long EventsRead);

    public static async IAsyncEnumerable<Chunk> ReadAsync(AsyncProjectionBatch batch, EventSerializer serializer,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var types = ChipEventTypes(serializer);
        var afterKey = string.Empty;
        var afterVersion = 0L;
        long read = 0;
        (string ChipId, List<SequencedChipEvent> Stream)? open = null;
        while (true)
        {
            var complete = new List<(string, List<SequencedChipEvent>)>();
            var rows = 0;
            await using (var command = batch.CreateCommand(
                $"""
                select e.stream_key, e.version, e.seq_id, e.type, e.data::text
                from {batch.EventsTable} e
                where (e.stream_key, e.version) > ($1, $2) and e.seq_id <= $3 and e.type = any($4)
                order by e.stream_key, e.version
                limit $5
                """))
            {
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = afterKey });
                command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterVersion });
                command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = batch.ThroughSeqId });
                command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = types });
                command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = ChunkEvents });
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    rows++;
                    (afterKey, afterVersion) = (reader.GetString(0), reader.GetInt64(1));
                    if (open is not { } current || !string.Equals(current.ChipId, afterKey, StringComparison.Ordinal))
                    {
                        if (open is { } done) complete.Add(done);
                        open = (afterKey, []);
                    }
                    var e = (IChipEvent)serializer.Deserialize(reader.GetString(3), reader.GetString(4));
                    open.Value.Stream.Add(new SequencedChipEvent(reader.GetInt64(2), e));
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
            if (last) yield break;
        }
    }

    private static string[] ChipEventTypes(EventSerializer serializer) =>
        [.. serializer.Types.Names.Where(name => serializer.Types.TryGetType(name, out var type) && typeof(IChipEvent).IsAssignableFrom(type)).Order(StringComparer.Ordinal)];
}
