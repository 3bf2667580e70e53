using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Facilities;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.EventStore;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace ChipRegistry.Domain.Projections.Reference;

/// <summary>
/// The reference tables concentration and ledgers join at a query's instant, on the daemon. All intervals are
/// <c>[valid_from, valid_to)</c> in business time, <c>valid_to</c> null while open:
/// <list type="bullet">
/// <item><c>organisation_parents</c>: organisations are few and a parent change moves every descendant, so when a
/// batch holds any organisation event, every organisation is folded again from its stream and the table replaced;</item>
/// <item><c>facility_terms</c> and <c>model_specs</c>: each facility or model the batch touches is folded again from
/// its whole stream and its rows replaced, so backdated changes reshape the intervals as a rebuild would.</item>
/// </list>
/// </summary>
public sealed class ReferenceIntervalProjection(EventSerializer serializer) : IAsyncProjection
{
    public const string ProjectionName = "reference_intervals";
    public const string OrganisationParents = "organisation_parents";
    public const string FacilityTerms = "facility_terms";
    public const string ModelSpecs = "model_specs";

    public string Name => ProjectionName;

    public IReadOnlyList<ProjectionTable> Tables { get; } =
    [
        new(OrganisationParents,
            """
            (org_id text not null, valid_from timestamptz not null, valid_to timestamptz, parent_id text,
             ultimate_parent_id text not null, ultimate_country text not null, primary key (org_id, valid_from))
            """,
            ["(ultimate_parent_id)"]),
        new(FacilityTerms,
            """
            (facility_id text not null, valid_from timestamptz not null, valid_to timestamptz, operator_id text not null,
             country text not null, declared_power_mw numeric not null, primary key (facility_id, valid_from))
            """,
            ["(operator_id)"]),
        new(ModelSpecs,
            """
            (model_id text not null, valid_from timestamptz not null, valid_to timestamptz, tpp numeric, tdp_w numeric,
             primary key (model_id, valid_from))
            """,
            []),
    ];

    public async Task ApplyAsync(AsyncProjectionBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var organisationsTouched = batch.Events.Any(e => e.Data is IOrganisationEvent);
        var facilities = batch.Events.Where(e => e.Data is IFacilityEvent).Select(e => e.StreamKey).Distinct(StringComparer.Ordinal).ToArray();
        var models = batch.Events.Where(e => e.Data is IAcceleratorModelEvent).Select(e => e.StreamKey).Distinct(StringComparer.Ordinal).ToArray();
        if (!organisationsTouched && facilities.Length == 0 && models.Length == 0) return;

        var streams = await ReadStreamsAsync(batch, organisationsTouched, [.. facilities, .. models], cancellationToken);
        await using var write = batch.CreateBatch();
        if (organisationsTouched)
        {
            var organisations = streams.Values
                .Select(events => Organisation.Fold(events.OfType<IOrganisationEvent>()))
                .OfType<Organisation>();
            write.BatchCommands.Add(new NpgsqlBatchCommand($"delete from {batch.Table(OrganisationParents)}"));
            write.BatchCommands.Add(InsertParents(batch, OrganisationParentIntervals.Of(organisations)));
        }
        if (facilities.Length > 0)
        {
            var rows = facilities.SelectMany(key => FacilityTermIntervals.Of([.. streams.GetValueOrDefault(key, []).OfType<IFacilityEvent>()])).ToList();
            write.BatchCommands.Add(DeleteWhere(batch, FacilityTerms, "facility_id", [.. facilities.Select(IdOf)]));
            write.BatchCommands.Add(InsertTerms(batch, rows));
        }
        if (models.Length > 0)
        {
            var rows = models.SelectMany(key => ModelSpecIntervals.Of([.. streams.GetValueOrDefault(key, []).OfType<IAcceleratorModelEvent>()])).ToList();
            write.BatchCommands.Add(DeleteWhere(batch, ModelSpecs, "model_id", [.. models.Select(IdOf)]));
            write.BatchCommands.Add(InsertSpecs(batch, rows));
        }
        await write.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The id inside a <c>{category}/{id}</c> stream key.</summary>
    private static string IdOf(string streamKey) => streamKey[(streamKey.IndexOf('/', StringComparison.Ordinal) + 1)..];

    private static NpgsqlBatchCommand DeleteWhere(AsyncProjectionBatch batch, string table, string column, string[] ids)
    {
        var delete = new NpgsqlBatchCommand($"delete from {batch.Table(table)} where {column} = any($1)");
        delete.Parameters.Add(Texts(ids));
        return delete;
    }

    private static NpgsqlBatchCommand InsertParents(AsyncProjectionBatch batch, IReadOnlyList<OrganisationParentInterval> rows)
    {
        var insert = new NpgsqlBatchCommand(
            $"""
            insert into {batch.Table(OrganisationParents)} (org_id, valid_from, valid_to, parent_id, ultimate_parent_id, ultimate_country)
            select * from unnest($1::text[], $2::timestamptz[], $3::timestamptz[], $4::text[], $5::text[], $6::text[])
            """);
        insert.Parameters.Add(Texts(rows.Select(r => r.OrganisationId)));
        insert.Parameters.Add(Instants(rows.Select(r => r.From)));
        insert.Parameters.Add(OptionalInstants(rows.Select(r => r.To)));
        insert.Parameters.Add(Texts(rows.Select(r => r.ParentId)));
        insert.Parameters.Add(Texts(rows.Select(r => r.UltimateParentId)));
        insert.Parameters.Add(Texts(rows.Select(r => r.UltimateCountry)));
        return insert;
    }

    private static NpgsqlBatchCommand InsertTerms(AsyncProjectionBatch batch, IReadOnlyList<FacilityTermInterval> rows)
    {
        var insert = new NpgsqlBatchCommand(
            $"""
            insert into {batch.Table(FacilityTerms)} (facility_id, valid_from, valid_to, operator_id, country, declared_power_mw)
            select * from unnest($1::text[], $2::timestamptz[], $3::timestamptz[], $4::text[], $5::text[], $6::numeric[])
            """);
        insert.Parameters.Add(Texts(rows.Select(r => r.FacilityId)));
        insert.Parameters.Add(Instants(rows.Select(r => r.From)));
        insert.Parameters.Add(OptionalInstants(rows.Select(r => r.To)));
        insert.Parameters.Add(Texts(rows.Select(r => r.OperatorId)));
        insert.Parameters.Add(Texts(rows.Select(r => r.Country)));
        insert.Parameters.Add(new NpgsqlParameter<decimal[]> { TypedValue = [.. rows.Select(r => r.DeclaredPowerMw)] });
        return insert;
    }

    private static NpgsqlBatchCommand InsertSpecs(AsyncProjectionBatch batch, IReadOnlyList<ModelSpecInterval> rows)
    {
        var insert = new NpgsqlBatchCommand(
            $"""
            insert into {batch.Table(ModelSpecs)} (model_id, valid_from, valid_to, tpp, tdp_w)
            select * from unnest($1::text[], $2::timestamptz[], $3::timestamptz[], $4::numeric[], $5::numeric[])
            """);
        insert.Parameters.Add(Texts(rows.Select(r => r.ModelId)));
        insert.Parameters.Add(Instants(rows.Select(r => r.From)));
        insert.Parameters.Add(OptionalInstants(rows.Select(r => r.To)));
        insert.Parameters.Add(new NpgsqlParameter<decimal?[]> { TypedValue = [.. rows.Select(r => r.Tpp)] });
        insert.Parameters.Add(new NpgsqlParameter<decimal?[]> { TypedValue = [.. rows.Select(r => r.TdpW)] });
        return insert;
    }

    private static NpgsqlParameter<string?[]> Texts(IEnumerable<string?> values) =>
        new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = [.. values] };

    private static NpgsqlParameter<Instant[]> Instants(IEnumerable<Instant> values) => new() { TypedValue = [.. values] };

    private static NpgsqlParameter<Instant?[]> OptionalInstants(IEnumerable<Instant?> values) => new() { TypedValue = [.. values] };

    /// <summary>
    /// The named streams, and every organisation stream when <paramref name="allOrganisations"/>, whole up to the
    /// batch's end, in stream order.
    /// </summary>
    private async Task<Dictionary<string, List<object>>> ReadStreamsAsync(
        AsyncProjectionBatch batch, bool allOrganisations, string[] keys, CancellationToken cancellationToken)
    {
        await using var command = batch.CreateCommand(
            $"""
            select e.stream_key, e.type, e.data::text
            from {batch.EventsTable} e
            where (e.stream_key = any($1) or ($3 and e.stream_key in (select key from {batch.StreamsTable} where type = $4))) and e.seq_id <= $2
            order by e.stream_key, e.version
            """);
        command.Parameters.Add(Texts(keys));
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = batch.ThroughSeqId });
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = allOrganisations });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = StreamKeys.OrganisationType });
        var streams = new Dictionary<string, List<object>>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var key = reader.GetString(0);
            if (!streams.TryGetValue(key, out var list)) streams[key] = list = [];
            list.Add(serializer.Deserialize(reader.GetString(1), reader.GetString(2)));
        }
        return streams;
    }
}
