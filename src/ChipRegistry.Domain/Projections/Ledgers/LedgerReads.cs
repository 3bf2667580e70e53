using ChipRegistry.Domain.Persistence;
using ChipRegistry.Domain.Projections.Reference;
using NodaTime;
using Npgsql;

namespace ChipRegistry.Domain.Projections.Ledgers;

/// <summary>One row of the yearly shipment ledger: a destination country or a consignee's ultimate parent (with its headquarters country).</summary>
public sealed record ShipmentLedgerRow(string Key, string? Country, long Chips, decimal H100Equivalents, long ChipsWithoutSpecification);

/// <summary>One exporter's units of one model since the January 2026 rule: to China (CN, HK, MO) beside delivered to US consignees.</summary>
public sealed record ChinaUsRow(string ModelId, string? ExporterId, long ChinaUnits, long UsDeliveredUnits);

/// <summary>
/// The ledgers over <c>chip_shipments</c>. Shipments count, RMA returns do not. TPP and the consignee's ultimate parent
/// are resolved here, at query time, from the reference interval tables as they stood at each shipment's instant
/// (<c>model_specs</c>, <c>organisation_parents</c>), so a backdated specification revision or parent change needs no
/// re-fold of any chip.
/// </summary>
public sealed class LedgerReads(RegistryReads reads, NpgsqlDataSource dataSource)
{
    /// <summary>TPP per H100-equivalent: the H100's own TPP (domain.md section 1).</summary>
    public const decimal TppPerH100 = 15831.2m;

    /// <summary>The January 2026 rule's window opens on this day (UTC).</summary>
    public static readonly Instant ChinaUsRuleFrom = Instant.FromUtc(2026, 1, 15, 0, 0);

    public static readonly IReadOnlyList<string> ChinaDestinations = ["CN", "HK", "MO"];

    public async Task<(IReadOnlyList<ShipmentLedgerRow> Rows, long ProjectedThroughSeqId)> ShipmentsAsync(int year, bool byConsigneeParent, CancellationToken cancellationToken = default)
    {
        var schema = reads.Store.Schema.Quoted;
        var group = byConsigneeParent
            ? "coalesce(o.ultimate_parent_id, s.consignee_id), coalesce(o.ultimate_country, c.country)"
            : "s.destination_country, s.destination_country";
        var joins = byConsigneeParent
            ? $"""
              left join {schema}.{ReferenceIntervalProjection.OrganisationParents} o on o.org_id = s.consignee_id
                  and o.valid_from <= s.shipped_at and (o.valid_to is null or s.shipped_at < o.valid_to)
              left join {schema}.organisations c on c.organisation_id = s.consignee_id
              """
            : "";
        var sql =
            $"""
            select {group}, count(*), coalesce(sum(m.tpp), 0), count(*) filter (where m.tpp is null)
            from {schema}.{ChipShipmentProjection.TableName} s
            left join {schema}.{ReferenceIntervalProjection.ModelSpecs} m on m.model_id = s.model_id
                and m.valid_from <= s.shipped_at and (m.valid_to is null or s.shipped_at < m.valid_to)
            {joins}
            where s.kind = 'shipment' and s.shipped_at >= $1 and s.shipped_at < $2
            group by 1, 2 order by 3 desc, 1
            """;
        var from = Instant.FromUtc(year, 1, 1, 0, 0);
        var to = Instant.FromUtc(year + 1, 1, 1, 0, 0);
        return await QueryAsync(sql, [new NpgsqlParameter<Instant> { TypedValue = from }, new NpgsqlParameter<Instant> { TypedValue = to }],
            r => new ShipmentLedgerRow(r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetInt64(2),
                decimal.Round(r.GetFieldValue<decimal>(3) / TppPerH100, 2), r.GetInt64(4)), cancellationToken);
    }

    public async Task<(IReadOnlyList<ChinaUsRow> Rows, long ProjectedThroughSeqId)> ChinaUsAsync(string? modelId, CancellationToken cancellationToken = default)
    {
        var sql =
            $"""
            select model_id, exporter_id,
                   count(*) filter (where destination_country = any($2)),
                   count(*) filter (where destination_country = 'US' and received_at is not null and receipt_country = 'US')
            from {reads.Store.Schema.Quoted}.{ChipShipmentProjection.TableName}
            where kind = 'shipment' and shipped_at >= $1 and model_id is not null and ($3::text is null or model_id = $3)
            group by 1, 2 order by 1, 2
            """;
        return await QueryAsync(sql,
            [
                new NpgsqlParameter<Instant> { TypedValue = ChinaUsRuleFrom },
                new NpgsqlParameter<string[]> { TypedValue = [.. ChinaDestinations] },
                new NpgsqlParameter { Value = (object?)modelId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text },
            ],
            r => new ChinaUsRow(r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetInt64(2), r.GetInt64(3)), cancellationToken);
    }

    /// <summary>The rows and how far the shipment projection had applied, in one snapshot.</summary>
    private async Task<(IReadOnlyList<T>, long)> QueryAsync<T>(string sql, NpgsqlParameter[] parameters, Func<NpgsqlDataReader, T> map, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);
        var rows = new NpgsqlBatchCommand(sql);
        rows.Parameters.AddRange(parameters);
        batch.BatchCommands.Add(rows);
        var progress = new NpgsqlBatchCommand($"select coalesce(max(last_seq_id), 0) from {reads.Store.Schema.Quoted}.projection_progress where name = $1");
        progress.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ChipShipmentProjection.TableName });
        batch.BatchCommands.Add(progress);
        var result = new List<T>();
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) result.Add(map(reader));
        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (result, reader.GetInt64(0));
    }
}
