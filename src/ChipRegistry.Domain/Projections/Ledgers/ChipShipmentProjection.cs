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
/// comes out as a rebuild would. One read of the touched streams and one delete and insert per batch.
/// </summary>
public sealed class ChipShipmentProjection(EventSerializer serializer) : IAsyncProjection
{
    public const string TableName = "chip_shipments";

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
        delete.Parameters.Add(Texts(chips));
        write.BatchCommands.Add(delete);
        if (rows.Count > 0)
        {
            var insert = new NpgsqlBatchCommand(
                $"""
                insert into {batch.Table(TableName)} (chip_id, ordinal, seq_id, kind, shipped_at, model_id, exporter_id, origin_country,
                    destination_country, consignee_id, received_at, receipt_country)
                select * from unnest($1::text[], $2::int[], $3::bigint[], $4::text[], $5::timestamptz[], $6::text[], $7::text[], $8::text[],
                    $9::text[], $10::text[], $11::timestamptz[], $12::text[])
                """);
            var p = insert.Parameters;
            p.Add(Texts(rows.Select(r => r.ChipId)));
            p.Add(new NpgsqlParameter<int[]> { TypedValue = [.. rows.Select(r => r.Ordinal)] });
            p.Add(new NpgsqlParameter<long[]> { TypedValue = [.. rows.Select(r => r.SeqId)] });
            p.Add(Texts(rows.Select(r => r.Kind)));
            p.Add(new NpgsqlParameter<Instant[]> { TypedValue = [.. rows.Select(r => r.ShippedAt)] });
            p.Add(Texts(rows.Select(r => r.ModelId)));
            p.Add(Texts(rows.Select(r => r.ExporterId)));
            p.Add(Texts(rows.Select(r => r.OriginCountry)));
            p.Add(Texts(rows.Select(r => r.DestinationCountry)));
            p.Add(Texts(rows.Select(r => r.ConsigneeId)));
            p.Add(new NpgsqlParameter<Instant?[]> { TypedValue = [.. rows.Select(r => r.ReceivedAt)] });
            p.Add(Texts(rows.Select(r => r.ReceiptCountry)));
            write.BatchCommands.Add(insert);
        }
        await write.ExecuteNonQueryAsync(cancellationToken);
    }

    private static NpgsqlParameter<string?[]> Texts(IEnumerable<string?> values) =>
        new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = [.. values] };
}
