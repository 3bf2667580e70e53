using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.EventStore;
using Npgsql;

namespace ChipRegistry.Domain.Detection.Flags;

/// <summary>
/// The reference streams a rule judges with (chips' fabrication, models, organisations with their parents), read from
/// the event log up to the batch's end, and answered as they stood at a given sequence number: a rule asks "as the
/// registry knew it when this event was recorded", so the answer does not depend on where a batch was cut, and a
/// rule needs no copy of another projection's tables.
/// </summary>
public sealed partial class ReferenceStreams
{
    private const int MaxParentDepth = 16;
    private readonly Dictionary<string, List<(long SeqId, object Data)>> streams = new(StringComparer.Ordinal);
    private readonly EventSerializer serializer;

    public ReferenceStreams(EventSerializer serializer) => this.serializer = serializer;

    /// <summary>Reads the chips' streams and the streams of the models they were made as.</summary>
    public async Task LoadChipModelsAsync(AsyncProjectionBatch batch, IEnumerable<string> chipIds, CancellationToken cancellationToken)
    {
        await ReadAsync(batch, [.. chipIds.Select(StreamKeys.Chip)], cancellationToken);
        var models = streams.Values.SelectMany(s => s).Select(e => e.Data).OfType<ChipFabricated>().Select(f => StreamKeys.Model(f.ModelId));
        await ReadAsync(batch, [.. models], cancellationToken);
    }

    /// <summary>Reads the organisations' streams and, transitively, their parents' (a chain stops at a repeat).</summary>
    public async Task LoadOrganisationsAsync(AsyncProjectionBatch batch, IEnumerable<string> organisationIds, CancellationToken cancellationToken)
    {
        var wanted = organisationIds.Select(StreamKeys.Organisation).ToList();
        for (var depth = 0; wanted.Count > 0 && depth < MaxParentDepth; depth++)
        {
            await ReadAsync(batch, wanted, cancellationToken);
            wanted = [.. streams.Values.SelectMany(s => s).Select(e => e.Data).OfType<OrganisationParentChanged>()
                .Where(p => p.ParentId is not null).Select(p => StreamKeys.Organisation(p.ParentId!))
                .Distinct(StringComparer.Ordinal).Where(k => !streams.ContainsKey(k))];
        }
    }

    /// <summary>The model the chip was made as, as it stood at <paramref name="throughSeqId"/>.</summary>
    public AcceleratorModel? ModelOf(string chipId, long throughSeqId) =>
        Events<IChipEvent>(StreamKeys.Chip(chipId), throughSeqId).OfType<ChipFabricated>().FirstOrDefault() is { } chip
            ? AcceleratorModel.Fold(Events<IAcceleratorModelEvent>(StreamKeys.Model(chip.ModelId), throughSeqId))
            : null;

    /// <summary>The organisations read, as they stood at <paramref name="throughSeqId"/>.</summary>
    public OrganisationDirectory DirectoryAt(long throughSeqId) =>
        new(streams.Keys.Select(k => Organisation.Fold(Events<IOrganisationEvent>(k, throughSeqId))).OfType<Organisation>());

    private IEnumerable<TEvent> Events<TEvent>(string key, long throughSeqId) =>
        streams.GetValueOrDefault(key, []).Where(e => e.SeqId <= throughSeqId).Select(e => e.Data).OfType<TEvent>();

    private async Task ReadAsync(AsyncProjectionBatch batch, IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        var missing = keys.Distinct(StringComparer.Ordinal).Where(k => !streams.ContainsKey(k)).ToArray();
        if (missing.Length == 0) return;
        foreach (var key in missing) streams[key] = [];
        await using var command = batch.CreateCommand(
            $"select stream_key, seq_id, type, data::text from {batch.EventsTable} where stream_key = any($1) and seq_id <= $2 order by stream_key, version");
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = missing });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = batch.ThroughSeqId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            streams[reader.GetString(0)].Add((reader.GetInt64(1), serializer.Deserialize(reader.GetString(2), reader.GetString(3))));
        }
    }
}
