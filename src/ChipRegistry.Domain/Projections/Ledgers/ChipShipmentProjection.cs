using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Projections.Placements;
using ChipRegistry.EventStore;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace ChipRegistry.Domain.Projections.Ledgers;

/// <summary>
/// <c>chip_shipments</c>, on the daemon: the facts the ledgers count. Every chip a batch touches with an act (not an
/// observation or an attestation, which never change what was shipped) is folded again from its whole stream up to
/// the batch's end (<see cref="ShipmentFold"/>) and its rows replaced, so a void or a backdated shipment or receipt
/// comes out as a rebuild would. One read of the touched streams and one delete and insert per batch; a rebuild folds
/// each chip stream once instead (<see cref="FillFromZeroAsync"/>).
/// </summary>
public sealed class ChipShipmentProjection(EventSerializer serializer) : IAsyncProjection, IRebuildsFromZero
{
    public const string TableName = "chip_shipments";

    private const string Columns =
        "chip_id, ordinal, seq_id, kind, shipped_at, model_id, exporter_id, origin_country, destination_country, consignee_id, received_at, receipt_country";

    public string Name => TableName;

    public IReadOnlyList<ProjectionTable> Tables { get; } =
    [
        new(TableName,
            """
            (chip_id text not null, ordinal int not null, seq_id bigint not null, kind text not null, shipped_at timestamptz not null,
             model_id text, exporter_id text, origin_country text, destination_country text not null, consignee_id text not null,
             received_at timestamptz, receipt_country text, primary key (chip_id, ordinal))
            """,
            ["(shipped_at)", "(model_id, shipped_at)"]),
    ];

    public async Task ApplyAsync(AsyncProjectionBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var chips = batch.Events
            .Where(e => e.Data is IChipEvent and not (ChipObserved or ChipLocationAttested))
            .Select(e => e.StreamKey).Distinct(StringComparer.Ordinal).ToArray();
        if (chips.Length == 0) return;

        var streams = await TouchedStreams.ReadChipsAsync(batch, serializer, chips, cancellationToken);
        var rows = chips.SelectMany(chip => ShipmentFold.Of(chip, streams.GetValueOrDefault(chip, []))).ToList();

        await using var write = new NpgsqlBatch(batch.Connection, batch.Transaction);
        var delete = new NpgsqlBatchCommand($"delete from {batch.Table(TableName)} where chip_id = any($1)");
        delete.Parameters.Add(TouchedStreams.Texts(chips));
        write.BatchCommands.Add(delete);
        if (rows.Count > 0)
        {
            var insert = new NpgsqlBatchCommand(
                $"""
                insert into {batch.Table(TableName)} ({Columns})
                select * from unnest($1::text[], $2::int[], $3::bigint[], $4::text[], $5::timestamptz[], $6::text[], $7::text[], $8::text[],
                    $9::text[], $10::text[], $11::timestamptz[], $12::text[])
                """);
            var p = insert.Parameters;
            p.Add(TouchedStreams.Texts(rows.Select(r => r.ChipId)));
            p.Add(new NpgsqlParameter<int[]> { TypedValue = [.. rows.Select(r => r.Ordinal)] });
            p.Add(new NpgsqlParameter<long[]> { TypedValue = [.. rows.Select(r => r.SeqId)] });
            p.Add(TouchedStreams.Texts(rows.Select(r => r.Kind)));
            p.Add(new NpgsqlParameter<Instant[]> { TypedValue = [.. rows.Select(r => r.ShippedAt)] });
            p.Add(TouchedStreams.Texts(rows.Select(r => r.ModelId)));
            p.Add(TouchedStreams.Texts(rows.Select(r => r.ExporterId)));
            p.Add(TouchedStreams.Texts(rows.Select(r => r.OriginCountry)));
            p.Add(TouchedStreams.Texts(rows.Select(r => r.DestinationCountry)));
            p.Add(TouchedStreams.Texts(rows.Select(r => r.ConsigneeId)));
            p.Add(new NpgsqlParameter<Instant?[]> { TypedValue = [.. rows.Select(r => r.ReceivedAt)] });
            p.Add(TouchedStreams.Texts(rows.Select(r => r.ReceiptCountry)));
            write.BatchCommands.Add(insert);
        }
        await write.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The one-pass rebuild: each chip stream read once (<see cref="ChipStreamScan"/>), folded, and its shipments written with COPY.</summary>
    public async IAsyncEnumerable<long> FillFromZeroAsync(AsyncProjectionBatch batch,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        await foreach (var chunk in ChipStreamScan.ReadAsync(batch, serializer, cancellationToken))
        {
            await using var copy = await batch.Connection.BeginBinaryImportAsync(
                $"copy {batch.Table(TableName)} ({Columns}) from stdin (format binary)", cancellationToken);
            foreach (var r in chunk.Streams.SelectMany(s => ShipmentFold.Of(s.ChipId, s.Stream)))
            {
                await copy.StartRowAsync(cancellationToken);
                await copy.WriteAsync(r.ChipId, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(r.Ordinal, NpgsqlDbType.Integer, cancellationToken);
                await copy.WriteAsync(r.SeqId, NpgsqlDbType.Bigint, cancellationToken);
                await copy.WriteAsync(r.Kind, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(r.ShippedAt, NpgsqlDbType.TimestampTz, cancellationToken);
                await PlacementRows.WriteAsync(copy, r.ModelId, cancellationToken);
                await PlacementRows.WriteAsync(copy, r.ExporterId, cancellationToken);
                await PlacementRows.WriteAsync(copy, r.OriginCountry, cancellationToken);
                await copy.WriteAsync(r.DestinationCountry, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(r.ConsigneeId, NpgsqlDbType.Text, cancellationToken);
                await PlacementRows.WriteAsync(copy, r.ReceivedAt, cancellationToken);
                await PlacementRows.WriteAsync(copy, r.ReceiptCountry, cancellationToken);
            }
            await copy.CompleteAsync(cancellationToken);
            yield return chunk.EventsRead;
        }
    }
}
