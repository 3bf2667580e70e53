using System.Text.Json;
using ChipRegistry.Domain.Facilities;
using ChipRegistry.Domain.Licences;
using ChipRegistry.EventStore;
using NodaTime;
using Npgsql;

namespace ChipRegistry.Domain.Projections.Lists;

/// <summary>A page of a list: the items in id order, the last id when a further match exists, and how far the daemon had applied the log.</summary>
public sealed record ListPage<TItem>(IReadOnlyList<TItem> Items, string? NextAfterId, long ProjectedThroughSeqId);

/// <summary>
/// Filters of <c>GET /api/v1/facilities</c>. <see cref="VisibleTo"/> is the caller's organisation when it may see
/// only the facilities it operates (null: every facility).
/// </summary>
public sealed record FacilityQuery(string? OperatorId, string? Country, string? VisibleTo, string? AfterId, int Limit);

/// <summary>
/// Filters of <c>GET /api/v1/licences</c>. <see cref="VisibleTo"/> is the caller's organisation when it may see only
/// the licences naming it as holder, consignee or end user (null: every licence); <see cref="Status"/> is judged on <see cref="Today"/>.
/// </summary>
public sealed record LicenceQuery(
    string? HolderId, LicenceStatus? Status, string? ModelId, string? Destination, string? VisibleTo, LocalDate Today, string? AfterId, int Limit);

/// <summary>Where a licence stands on a given day: revoked from the revocation's effective day on, else by its validity dates.</summary>
public enum LicenceStatus
{
    Pending,
    Active,
    Expired,
    Revoked,
}

/// <summary>The facility and licence lists, one keyset query a page on the daemon's list tables.</summary>
public sealed class ListReads(IEventStore store, NpgsqlDataSource dataSource, EventSerializer serializer)
{
    public Task<ListPage<Facility>> FacilitiesAsync(FacilityQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var where = new Conditions();
        where.Equal("operator_id", query.OperatorId);
        where.Equal("country", query.Country);
        where.Equal("operator_id", query.VisibleTo);
        return PageAsync<Facility>(FacilityListProjection.TableName, "facility_id", where, query.AfterId, query.Limit, cancellationToken);
    }

    public Task<ListPage<Licence>> LicencesAsync(LicenceQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var where = new Conditions();
        where.Equal("holder_id", query.HolderId);
        where.Equal("destination", query.Destination);
        if (query.ModelId is not null)
        {
            where.Add($"model_ids @> array[{where.Parameter(query.ModelId)}]");
        }
        if (query.VisibleTo is not null)
        {
            var caller = where.Parameter(query.VisibleTo);
            where.Add($"{caller} in (holder_id, consignee_id, end_user_id)");
        }
        if (query.Status is { } status)
        {
            var today = where.Parameter(query.Today);
            var notRevoked = $"(revoked_from is null or revoked_from > {today})";
            where.Add(status switch
            {
                LicenceStatus.Revoked => $"revoked_from <= {today}",
                LicenceStatus.Pending => $"{notRevoked} and valid_from > {today}",
                LicenceStatus.Expired => $"{notRevoked} and valid_until < {today}",
                _ => $"{notRevoked} and valid_from <= {today} and valid_until >= {today}",
            });
        }
        return PageAsync<Licence>(LicenceListProjection.TableName, "licence_id", where, query.AfterId, query.Limit, cancellationToken);
    }

    private async Task<ListPage<T>> PageAsync<T>(string table, string idColumn, Conditions where, string? afterId, int limit, CancellationToken cancellationToken)
    {
        if (afterId is not null)
        {
            where.Add($"{idColumn} > {where.Parameter(afterId)}");
        }
        var schema = store.Schema.Quoted;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // One snapshot for the rows and the position they reflect: read apart, a batch committed between the two
        // statements gave a position the rows did not yet show, and a caller waiting for it read stale rows.
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);
        var rows = new NpgsqlBatchCommand(
            $"select {idColumn}, state::text from {schema}.{table} {where.Sql} order by {idColumn} limit {where.Parameter(limit + 1)}");
        rows.Parameters.AddRange(where.Parameters.ToArray());
        batch.BatchCommands.Add(rows);
        var progress = new NpgsqlBatchCommand($"select coalesce(max(last_seq_id), 0) from {schema}.projection_progress where name = $1");
        progress.Parameters.Add(new NpgsqlParameter<string> { TypedValue = table });
        batch.BatchCommands.Add(progress);

        var items = new List<(string Id, T Item)>();
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add((reader.GetString(0), JsonSerializer.Deserialize<T>(reader.GetString(1), serializer.Options)!));
        }
        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var through = reader.GetInt64(0);
        var more = items.Count > limit;
        var page = items.Take(limit).ToList();
        return new ListPage<T>([.. page.Select(i => i.Item)], more ? page[^1].Id : null, through);
    }

    /// <summary>A where clause built from optional filters, each value a positional parameter.</summary>
    private sealed class Conditions
    {
        private readonly List<string> clauses = [];

        public List<NpgsqlParameter> Parameters { get; } = [];

        public string Sql => clauses.Count == 0 ? "" : "where " + string.Join(" and ", clauses);

        public void Add(string clause) => clauses.Add(clause);

        public void Equal(string column, string? value)
        {
            if (value is not null) Add($"{column} = {Parameter(value)}");
        }

        public string Parameter<TValue>(TValue value)
        {
            Parameters.Add(new NpgsqlParameter<TValue> { TypedValue = value });
            return $"${Parameters.Count}";
        }
    }
}
