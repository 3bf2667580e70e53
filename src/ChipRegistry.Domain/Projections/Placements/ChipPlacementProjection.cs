using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Projections.Concentration;
using ChipRegistry.EventStore;
using Npgsql;

namespace ChipRegistry.Domain.Projections.Placements;

/// <summary>
/// <c>chip_placements</c>, on the daemon: every chip a batch touches is folded again from its whole stream up to the
/// batch's end (<see cref="PlacementFold"/>) and its rows replaced, so a late report, a void or a backdated act
/// reshapes the chip's stays exactly as a rebuild would. One read of all touched streams and one delete and insert
/// per batch. The range index answers "where was each chip at instant t" as one range query. The same batch, first,
/// turns the difference between a chip's old and new stays into counts (<see cref="ConcentrationChanges"/>).
/// </summary>
public sealed class ChipPlacementProjection(EventSerializer serializer) : IAsyncProjection, IRebuildsFromZero
{
    public const string TableName = "chip_placements";

    public string Name => TableName;

    /// <summary>2: concentration_changes joined the batch and the open stays gained the custodian index; a database
    /// built at 1 has neither, so it is rebuilt in the shadow on deploy.</summary>
    public int Version => 2;

    public IReadOnlyList<ProjectionTable> Tables { get; } =
    [
        new(TableName,
            """
            (chip_id text not null, ordinal int not null, valid_from timestamptz not null, valid_to timestamptz,
             status text not null, model_id text, owner_id text, custodian_id text, country text, facility_id text,
             cluster_id text, operator_id text, tenant_id text, assembly_id text, started_by_seq_id bigint not null,
             primary key (chip_id, ordinal))
            """,
            ["using gist (tstzrange(valid_from, valid_to))", "(facility_id) where facility_id is not null",
             "(custodian_id, status) where valid_to is null"]),
        ConcentrationChanges.Table,
    ];

    public async Task ApplyAsync(AsyncProjectionBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var chips = batch.Events.Where(e => e.Data is IChipEvent).Select(e => e.StreamKey).Distinct(StringComparer.Ordinal).ToArray();
        if (chips.Length == 0) return;

        var streams = await TouchedStreams.ReadChipsAsync(batch, serializer, chips, cancellationToken);
        var rows = chips.SelectMany(chip => PlacementFold.Of(chip, streams.GetValueOrDefault(chip, []))).ToList();

        await using var write = new NpgsqlBatch(batch.Connection, batch.Transaction);
        write.BatchCommands.Add(ConcentrationChanges.Upsert(batch, chips, rows));
        write.BatchCommands.Add(ConcentrationChanges.Prune(batch));
        var delete = new NpgsqlBatchCommand($"delete from {batch.Table(TableName)} where chip_id = any($1)");
        delete.Parameters.Add(TouchedStreams.Texts(chips));
        write.BatchCommands.Add(delete);
        var insert = new NpgsqlBatchCommand(
            $"insert into {batch.Table(TableName)} ({PlacementRows.Columns}) select * from {PlacementRows.Unnest(1)}");
        PlacementRows.AddArrays(insert.Parameters, rows);
        write.BatchCommands.Add(insert);
        await write.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// The one-pass rebuild: each chip stream read once (<see cref="ChipStreamScan"/>), folded, and its stays written
    /// with COPY; then <c>concentration_changes</c> derived from the written stays in one statement.
    /// </summary>
    public async IAsyncEnumerable<long> FillFromZeroAsync(AsyncProjectionBatch batch,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        await foreach (var chunk in ChipStreamScan.ReadAsync(batch, serializer, cancellationToken))
        {
            await PlacementRows.CopyAsync(batch, batch.Table(TableName), chunk.Streams.SelectMany(s => PlacementFold.Of(s.ChipId, s.Stream)), cancellationToken);
            yield return chunk.EventsRead;
        }
        await using var derive = new NpgsqlBatch(batch.Connection, batch.Transaction);
        derive.BatchCommands.Add(ConcentrationChanges.FillFromStays(batch));
        await derive.ExecuteNonQueryAsync(cancellationToken);
    }
}
