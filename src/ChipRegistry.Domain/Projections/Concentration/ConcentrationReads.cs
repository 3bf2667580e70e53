using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Projections.Placements;
using ChipRegistry.Domain.Projections.Reference;
using ChipRegistry.EventStore;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace ChipRegistry.Domain.Projections.Concentration;

/// <summary>
/// Concentration at the end of a UTC day, from <see cref="ConcentrationChanges"/> and the reference tables, without
/// reading an event: the counts per chip-local combination are summed from at most some tens of rows each, then the
/// day's spec (TPP, TDP), facility operator and power and parent chains are joined at that day's end. A stay counts
/// on day D if it began before D+1 00:00 UTC and had not ended before then; a change effective on D+1 does not.
/// </summary>
public sealed class ConcentrationReads(SchemaName schema, NpgsqlDataSource dataSource)
{
    /// <summary>The bucket of chips a grouping does not place, e.g. <c>*in_stock</c>.</summary>
    public const string BucketPrefix = "*";

    public async Task<ConcentrationAnswer> ReadAsync(ConcentrationQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var s = schema.Quoted;
        var (key, parentCountry, declaredPower) = Columns(query.Grouping);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // One snapshot for the rows and the position they reflect: read apart, a batch committed between the two
        // statements gave a position the rows did not yet show, and a caller waiting for it read stale rows.
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);
        var rows = new NpgsqlBatchCommand(
            $"""
            with combos as (
                select {ConcentrationChanges.Combination}, sum(chips) as chips
                from {s}.{ConcentrationChanges.TableName}
                where (grain = 'y' and period < $1) or (grain = 'm' and period >= $1 and period < $2) or (grain = 'd' and period >= $2 and period <= $3)
                group by {ConcentrationChanges.Combination}
                having sum(chips) <> 0
            ), alive as (
                select * from combos
                where status <> 'destroyed' and ($5::text is null or model_id = $5) and ($6::text is null or country = $6) and ($7::text is null or status = $7)
            ), resolved as (
                select a.*, spec.tpp, spec.tdp_w, term.operator_id, term.declared_power_mw,
                       coalesce(owner_up.ultimate_parent_id, a.owner_id) as owner_parent,
                       coalesce(owner_up.ultimate_country, owner_org.country) as owner_parent_country,
                       coalesce(operator_up.ultimate_parent_id, term.operator_id) as operator_parent,
                       coalesce(operator_up.ultimate_country, operator_org.country) as operator_parent_country,
                       coalesce(tenant_up.ultimate_parent_id, a.tenant_id) as tenant_parent,
                       coalesce(tenant_up.ultimate_country, tenant_org.country) as tenant_parent_country
                from alive a
                left join lateral (
                    select tpp, tdp_w from {s}.{ReferenceIntervalProjection.ModelSpecs} m where m.model_id = a.model_id
                    order by m.valid_from < $4 desc, case when m.valid_from < $4 then m.valid_from end desc, m.valid_from limit 1
                ) spec on true
                left join lateral (
                    select operator_id, declared_power_mw from {s}.{ReferenceIntervalProjection.FacilityTerms} f where f.facility_id = a.facility_id
                    order by f.valid_from < $4 desc, case when f.valid_from < $4 then f.valid_from end desc, f.valid_from limit 1
                ) term on true
                left join {s}.{ReferenceIntervalProjection.OrganisationParents} owner_up
                    on owner_up.org_id = a.owner_id and owner_up.valid_from < $4 and (owner_up.valid_to is null or owner_up.valid_to >= $4)
                left join {s}.organisations owner_org on owner_org.organisation_id = a.owner_id
                left join {s}.{ReferenceIntervalProjection.OrganisationParents} operator_up
                    on operator_up.org_id = term.operator_id and operator_up.valid_from < $4 and (operator_up.valid_to is null or operator_up.valid_to >= $4)
                left join {s}.organisations operator_org on operator_org.organisation_id = term.operator_id
                left join {s}.{ReferenceIntervalProjection.OrganisationParents} tenant_up
                    on tenant_up.org_id = a.tenant_id and tenant_up.valid_from < $4 and (tenant_up.valid_to is null or tenant_up.valid_to >= $4)
                left join {s}.organisations tenant_org on tenant_org.organisation_id = a.tenant_id
            )
            select {key} as key, {parentCountry} as parent_country, {declaredPower} as declared_power_mw, coalesce(model_id, '') as model_id, status,
                   sum(chips)::bigint, sum(chips * coalesce(tpp, 0)), sum(case when status = 'installed' then chips * coalesce(tdp_w, 0) else 0 end)
            from resolved
            where $8::text is null or (status = 'installed' and operator_id = $8)
            group by 1, 2, 3, 4, 5
            """);
        var end = query.AsOf.PlusDays(1);
        rows.Parameters.Add(new NpgsqlParameter<LocalDate> { TypedValue = new LocalDate(query.AsOf.Year, 1, 1) });
        rows.Parameters.Add(new NpgsqlParameter<LocalDate> { TypedValue = new LocalDate(query.AsOf.Year, query.AsOf.Month, 1) });
        rows.Parameters.Add(new NpgsqlParameter<LocalDate> { TypedValue = query.AsOf });
        rows.Parameters.Add(new NpgsqlParameter<Instant> { TypedValue = end.AtStartOfDayInZone(DateTimeZone.Utc).ToInstant() });
        rows.Parameters.Add(Text(query.ModelId));
        rows.Parameters.Add(Text(query.Country));
        rows.Parameters.Add(Text(query.Status));
        rows.Parameters.Add(Text(query.OperatorId));
        batch.BatchCommands.Add(rows);
        var progress = new NpgsqlBatchCommand($"select coalesce(min(last_seq_id), 0) from {s}.projection_progress where name = any($1)");
        progress.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [ChipPlacementProjection.TableName, ReferenceIntervalProjection.ProjectionName] });
        batch.BatchCommands.Add(progress);

        var lines = new List<(string Key, string? ParentCountry, decimal? DeclaredPowerMw, ModelCount Count, decimal Tpp, decimal InstalledPowerW)>();
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            lines.Add((reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetDecimal(2),
                new ModelCount(reader.GetString(3), reader.GetString(4), reader.GetInt64(5)), reader.GetDecimal(6), reader.GetDecimal(7)));
        }
        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var projectedThrough = reader.GetInt64(0);

        var groups = lines.GroupBy(l => l.Key, StringComparer.Ordinal).Select(g =>
        {
            var tpp = g.Sum(l => l.Tpp);
            return new ConcentrationGroup(g.Key, g.First().ParentCountry, g.Sum(l => l.Count.Chips), tpp, tpp / Metrics.H100ReferenceTpp,
                g.Sum(l => l.InstalledPowerW), g.First().DeclaredPowerMw,
                [.. g.Select(l => l.Count).OrderByDescending(c => c.Chips).ThenBy(c => c.ModelId, StringComparer.Ordinal).ThenBy(c => c.Status, StringComparer.Ordinal)]);
        });
        return new ConcentrationAnswer(query.AsOf, [.. Ordered(groups)], projectedThrough);
    }

    /// <summary>The stable order of groups: H100-equivalents descending, then key.</summary>
    public static IOrderedEnumerable<ConcentrationGroup> Ordered(IEnumerable<ConcentrationGroup> groups) =>
        groups.OrderByDescending(g => g.H100Equivalents).ThenBy(g => g.Key, StringComparer.Ordinal);

    /// <summary>
    /// The group key, the parent's country and the declared power for a grouping, as SQL over the resolved rows.
    /// Chips a grouping does not place fall in a bucket, so every grouping's totals add up to the same chips.
    /// </summary>
    private static (string Key, string ParentCountry, string DeclaredPower) Columns(ConcentrationGrouping grouping)
    {
        const string bucket = $"'{BucketPrefix}' || status";
        return grouping switch
        {
            ConcentrationGrouping.Facility => ($"case when status = 'installed' then facility_id else {bucket} end", "null::text", "case when status = 'installed' then declared_power_mw end"),
            ConcentrationGrouping.Cluster => ($"case when status = 'installed' then facility_id || '/' || cluster_id else {bucket} end", "null::text", "null::numeric"),
            ConcentrationGrouping.Operator => ($"case when status = 'installed' then coalesce(operator_id, '{BucketPrefix}unknown_operator') else {bucket} end", "null::text", "null::numeric"),
            ConcentrationGrouping.Owner => ("coalesce(owner_id, '*unknown_owner')", "null::text", "null::numeric"),
            ConcentrationGrouping.Country => ($"case when status = 'in_transit' then {bucket} else coalesce(country, '{BucketPrefix}unknown_country') end", "null::text", "null::numeric"),
            ConcentrationGrouping.OwnerParent => ("coalesce(owner_parent, '*unknown_owner')", "owner_parent_country", "null::numeric"),
            ConcentrationGrouping.OperatorParent => ($"case when status = 'installed' then coalesce(operator_parent, '{BucketPrefix}unknown_operator') else {bucket} end",
                "case when status = 'installed' then operator_parent_country end", "null::numeric"),
            ConcentrationGrouping.TenantParent => ($"coalesce(tenant_parent, '{BucketPrefix}untenanted')", "tenant_parent_country", "null::numeric"),
            _ => throw new ArgumentOutOfRangeException(nameof(grouping), grouping, null),
        };
    }

    private static NpgsqlParameter<string?> Text(string? value) => new() { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = value };
}
