using ChipRegistry.Domain.Chips;
using ChipRegistry.EventStore;
using NpgsqlTypes;

namespace ChipRegistry.Domain.Persistence;

/// <summary>
/// The changes one append makes to <c>chip_parties</c>: periods it opens (closed again within the append when a party
/// leaves before it ends) and periods of earlier appends it closes. Collected step by step, written in one statement.
/// </summary>
internal sealed class PartyPeriodChanges
{
    private readonly List<(string ChipId, string OrganisationId, long From, long? To)> opened = [];
    private readonly List<(string ChipId, string OrganisationId, long At)> closed = [];

    public bool IsEmpty => opened.Count == 0 && closed.Count == 0;

    /// <summary>One event of <paramref name="chipId"/>: the state before it and after it (whose version is the event's).</summary>
    public void Step(string chipId, ChipState before, ChipState after)
    {
        var (joined, left) = ChipVisibility.PartyChanges(before, after);
        foreach (var organisation in left)
        {
            var open = opened.FindLastIndex(p => p.ChipId == chipId && p.OrganisationId == organisation && p.To is null);
            if (open >= 0) opened[open] = opened[open] with { To = after.Version };
            else closed.Add((chipId, organisation, after.Version));
        }
        foreach (var organisation in joined)
        {
            opened.Add((chipId, organisation, after.Version, null));
        }
    }

    /// <summary>
    /// The same writes as CTE bodies of an append's statement (<see cref="IFusedInlineProjection"/>), parameters from
    /// <paramref name="first"/>: they write nothing when the append inserted nothing.
    /// </summary>
    public void Fuse(SchemaName schemaName, int first, List<string> statements, List<Npgsql.NpgsqlParameter> parameters)
    {
        if (IsEmpty) return;
        var schema = schemaName.Quoted;
        if (closed.Count > 0)
        {
            statements.Add(
                $"""
                update {schema}.chip_parties p set to_version = c.at
                from unnest(${first}::text[], ${first + 1}::text[], ${first + 2}::bigint[]) as c(chip_id, organisation_id, at)
                where p.chip_id = c.chip_id and p.organisation_id = c.organisation_id and p.to_version is null and exists (select 1 from inserted)
                """);
            parameters.Add(ChipStateProjection.Text(closed.Select(c => c.ChipId)));
            parameters.Add(ChipStateProjection.Text(closed.Select(c => c.OrganisationId)));
            parameters.Add(ChipStateProjection.Array(closed.Select(c => c.At).ToArray(), NpgsqlDbType.Bigint));
            first += 3;
        }
        if (opened.Count > 0)
        {
            statements.Add(
                $"""
                insert into {schema}.chip_parties (chip_id, organisation_id, from_version, to_version)
                select * from unnest(${first}::text[], ${first + 1}::text[], ${first + 2}::bigint[], ${first + 3}::bigint[])
                where exists (select 1 from inserted)
                """);
            parameters.Add(ChipStateProjection.Text(opened.Select(o => o.ChipId)));
            parameters.Add(ChipStateProjection.Text(opened.Select(o => o.OrganisationId)));
            parameters.Add(ChipStateProjection.Array(opened.Select(o => o.From).ToArray(), NpgsqlDbType.Bigint));
            parameters.Add(new Npgsql.NpgsqlParameter<long?[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, TypedValue = opened.Select(o => o.To).ToArray() });
        }
    }

    public async Task WriteAsync(Npgsql.NpgsqlConnection connection, Npgsql.NpgsqlTransaction transaction, SchemaName schemaName, CancellationToken cancellationToken)
    {
        if (IsEmpty) return;
        var schema = schemaName.Quoted;
        await using var command = new Npgsql.NpgsqlCommand(
            $"""
            with closing as (
                update {schema}.chip_parties p set to_version = c.at
                from unnest($1::text[], $2::text[], $3::bigint[]) as c(chip_id, organisation_id, at)
                where p.chip_id = c.chip_id and p.organisation_id = c.organisation_id and p.to_version is null
            )
            insert into {schema}.chip_parties (chip_id, organisation_id, from_version, to_version)
            select * from unnest($4::text[], $5::text[], $6::bigint[], $7::bigint[])
            """, connection, transaction);
        ChipStateProjection.Text(command, closed.Select(c => c.ChipId));
        ChipStateProjection.Text(command, closed.Select(c => c.OrganisationId));
        ChipStateProjection.Add(command, closed.Select(c => c.At).ToArray(), NpgsqlDbType.Bigint);
        ChipStateProjection.Text(command, opened.Select(o => o.ChipId));
        ChipStateProjection.Text(command, opened.Select(o => o.OrganisationId));
        ChipStateProjection.Add(command, opened.Select(o => o.From).ToArray(), NpgsqlDbType.Bigint);
        command.Parameters.Add(new Npgsql.NpgsqlParameter<long?[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, TypedValue = opened.Select(o => o.To).ToArray() });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
