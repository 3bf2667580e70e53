using ChipRegistry.EventStore;
using Npgsql;
using NpgsqlTypes;

namespace ChipRegistry.Domain.Projections.Lists;

/// <summary>
/// The whole streams a batch touches, read in one statement up to the batch's end and folded again, so a list row
/// always equals a fresh fold of its stream (what the single GET returns) whatever the batch boundaries were.
/// </summary>
internal static class TouchedStreams
{
    public static async Task<Dictionary<string, TState>> FoldAsync<TState, TEvent>(
        AsyncProjectionBatch batch, EventSerializer serializer, Func<TState?, TEvent, TState?> evolve, CancellationToken cancellationToken)
        where TState : class
    {
        var keys = batch.Events.Where(e => e.Data is TEvent).Select(e => e.StreamKey).Distinct(StringComparer.Ordinal).ToArray();
        var states = new Dictionary<string, TState>(StringComparer.Ordinal);
        if (keys.Length == 0) return states;

        await using var command = batch.CreateCommand(
            $"""
            select e.stream_key, e.type, e.data::text
            from {batch.EventsTable} e
            where e.stream_key = any($1) and e.seq_id <= $2
            order by e.stream_key, e.version
            """);
        command.Parameters.Add(new NpgsqlParameter<string[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = keys });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = batch.ThroughSeqId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (serializer.Deserialize(reader.GetString(1), reader.GetString(2)) is not TEvent e) continue;
            var key = reader.GetString(0);
            if (evolve(states.GetValueOrDefault(key), e) is { } state) states[key] = state;
        }
        return states;
    }

    public static NpgsqlParameter<string?[]> Texts(IEnumerable<string?> values) =>
        new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = [.. values] };
}
