using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.Domain.Projections.Concentration;
using ChipRegistry.EventStore;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace ChipRegistry.Domain.Projections.Placements;

/// <summary>
/// <c>chip_placements</c>, on the daemon: every chip a batch touches is folded again from its whole stream up to the
/// batch's end (<see cref="PlacementFold"/>) and its rows replaced, so a late report, a void or a backdated act
/// reshapes the chip's stays exactly as a rebuild would. One read of all touched streams and one delete and insert
/// per batch. The range index answers "where was each chip at instant t" as one range query. The same batch, first,
/// turns the difference between a chip's old and new stays into counts (<see cref="ConcentrationChanges"/>).
/// </summary>
public sealed class ChipPlacementProjection(EventSerializer serializer) : IAsyncProjection
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
        delete.Parameters.Add(Texts(chips));
        write.BatchCommands.Add(delete);
        var insert = new NpgsqlBatchCommand(
            $"""
            insert into {batch.Table(TableName)} (chip_id, ordinal, valid_from, valid_to, status, model_id, owner_id, custodian_id,
                country, facility_id, cluster_id, operator_id, tenant_id, assembly_id, started_by_seq_id)
            select * from unnest($1::text[], $2::int[], $3::timestamptz[], $4::timestamptz[], $5::text[], $6::text[], $7::text[],
                $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::bigint[])
            """);
        var p = insert.Parameters;
        p.Add(Texts(rows.Select(r => r.ChipId)));
        p.Add(new NpgsqlParameter<int[]> { TypedValue = [.. rows.Select(r => r.Ordinal)] });
        p.Add(new NpgsqlParameter<Instant[]> { TypedValue = [.. rows.Select(r => r.From)] });
        p.Add(new NpgsqlParameter<Instant?[]> { TypedValue = [.. rows.Select(r => r.To)] });
        p.Add(Texts(rows.Select(r => ChipStateProjection.StageName(r.Status))));
        p.Add(Texts(rows.Select(r => r.ModelId)));
        p.Add(Texts(rows.Select(r => r.OwnerId)));
        p.Add(Texts(rows.Select(r => r.CustodianId)));
        p.Add(Texts(rows.Select(r => r.Country)));
        p.Add(Texts(rows.Select(r => r.FacilityId)));
        p.Add(Texts(rows.Select(r => r.ClusterId)));
        p.Add(Texts(rows.Select(r => r.OperatorId)));
        p.Add(Texts(rows.Select(r => r.TenantId)));
        p.Add(Texts(rows.Select(r => r.AssemblyId)));
        p.Add(new NpgsqlParameter<long[]> { TypedValue = [.. rows.Select(r => r.StartedBySeqId)] });
        write.BatchCommands.Add(insert);
        await write.ExecuteNonQueryAsync(cancellationToken);
    }

    private static NpgsqlParameter<string?[]> Texts(IEnumerable<string?> values) =>
        new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = [.. values] };
}
