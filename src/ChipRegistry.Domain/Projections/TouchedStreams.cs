using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.Domain.Projections.Placements;
using ChipRegistry.EventStore;
using Npgsql;
using NpgsqlTypes;

namespace ChipRegistry.Domain.Projections;

/// <summary>
/// The whole streams a batch touches, read in one statement up to the batch's end. The daemon's projections fold a
/// touched stream again from its start, so a late report, a void or a backdated act comes out exactly as a rebuild
/// gives it, whatever the batch boundaries were.
/// </summary>
internal static class TouchedStreams
{
    /// <summary>
    /// The chips' events with their global sequence numbers, in stream order; other events are skipped. Only chip
    /// streams are read: a sighting of a serial nobody registered carries a chip event on a stream of its own, and a
    /// fold that took that stream for the chip's would fail on the first event.
    /// </summary>
    public static async Task<Dictionary<string, List<SequencedChipEvent>>> ReadChipsAsync(
        AsyncProjectionBatch batch, EventSerializer serializer, string[] chips, CancellationToken cancellationToken)
    {
        var streams = new Dictionary<string, List<SequencedChipEvent>>(StringComparer.Ordinal);
        var chipStreams = chips.Where(StreamKeys.IsChip).ToArray();
        if (chipStreams.Length == 0) return streams;
        await foreach (var (key, seqId, data) in ReadAsync(batch, serializer, chipStreams, cancellationToken))
        {
            if (data is not IChipEvent e) continue;
            if (!streams.TryGetValue(key, out var list)) streams[key] = list = [];
            list.Add(new SequencedChipEvent(seqId, e));
        }
        return streams;
    }

    /// <summary>Each touched stream of <typeparamref name="TEvent"/> folded by <paramref name="evolve"/>.</summary>
    public static async Task<Dictionary<string, TState>> FoldAsync<TState, TEvent>(
        AsyncProjectionBatch batch, EventSerializer serializer, Func<TState?, TEvent, TState?> evolve, CancellationToken cancellationToken)
        where TState : class
    {
        var keys = batch.Events.Where(e => e.Data is TEvent).Select(e => e.StreamKey).Distinct(StringComparer.Ordinal).ToArray();
        var states = new Dictionary<string, TState>(StringComparer.Ordinal);
        if (keys.Length == 0) return states;
        await foreach (var (key, _, data) in ReadAsync(batch, serializer, keys, cancellationToken))
        {
            if (data is not TEvent e) continue;
            if (evolve(states.GetValueOrDefault(key), e) is { } state) states[key] = state;
        }
        return states;
    }

    public static NpgsqlParameter<string?[]> Texts(IEnumerable<string?> values) =>
        new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = [.. values] };

    private static async IAsyncEnumerable<(string Key, long SeqId, object Data)> ReadAsync(
        AsyncProjectionBatch batch, EventSerializer serializer, string[] keys,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = batch.CreateCommand(
            $"""
            select e.stream_key, e.seq_id, e.type, e.data::text
            from {batch.EventsTable} e
            where e.stream_key = any($1) and e.seq_id <= $2
            order by e.stream_key, e.version
            """);
        command.Parameters.Add(Texts(keys));
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = batch.ThroughSeqId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return (reader.GetString(0), reader.GetInt64(1), serializer.Deserialize(reader.GetString(2), reader.GetString(3)));
        }
    }
}
