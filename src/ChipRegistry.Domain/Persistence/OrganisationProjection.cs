using System.Text.Json;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.EventStore;
using Npgsql;
using NpgsqlTypes;

namespace ChipRegistry.Domain.Persistence;

/// <summary>
/// Organisations as an inline table (id, version, name, kind, country and the folded <see cref="Organisation"/> as
/// jsonb), so the <see cref="OrganisationDirectory"/> that parent changes and licence checks consult is one query.
/// </summary>
public sealed class OrganisationProjection(EventSerializer serializer) : IFusedInlineProjection
{
    public string Name => "organisations";

    /// <summary>Nothing to write for an append without organisation events; with them, it reads the rows first (after the append).</summary>
    public FusedWrites? Fuse(SchemaName schema, IReadOnlyList<StoredEvent> events, object? snapshot, int firstParameter) =>
        events.Any(e => e.Data is IOrganisationEvent) ? null : FusedWrites.None;

    public async Task ApplyAsync(ProjectionSession session, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(events);
        var relevant = events.Where(e => e.Data is IOrganisationEvent).ToList();
        if (relevant.Count == 0) return;

        var ids = relevant.Select(e => ((IOrganisationEvent)e.Data).OrganisationId).Distinct(StringComparer.Ordinal).ToArray();
        var states = await LoadAsync(session.Connection, session.Transaction, session.Schema, serializer.Options, ids, forUpdate: true, cancellationToken);
        var versions = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var e in relevant)
        {
            var organisationEvent = (IOrganisationEvent)e.Data;
            states[organisationEvent.OrganisationId] = Organisation.Evolve(states.GetValueOrDefault(organisationEvent.OrganisationId), organisationEvent)!;
            versions[organisationEvent.OrganisationId] = e.Version;
        }

        await using var command = session.CreateCommand(
            $"""
            insert into {session.Schema.Quoted}.organisations (organisation_id, version, name, kind, country, state)
            select u.id, u.version, u.name, u.kind, u.country, u.state::jsonb
            from unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[]) as u(id, version, name, kind, country, state)
            on conflict (organisation_id) do update set
                version = excluded.version, name = excluded.name, kind = excluded.kind, country = excluded.country, state = excluded.state
            """);
        var rows = versions.Keys.Select(id => states[id]).ToList();
        command.Parameters.Add(Text(rows.Select(o => o.Id)));
        command.Parameters.Add(new NpgsqlParameter<long[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, TypedValue = [.. rows.Select(o => versions[o.Id])] });
        command.Parameters.Add(Text(rows.Select(o => o.Name)));
        command.Parameters.Add(Text(rows.Select(o => JsonNamingPolicy.SnakeCaseLower.ConvertName(o.Kind.ToString()))));
        command.Parameters.Add(Text(rows.Select(o => o.Country)));
        command.Parameters.Add(Text(rows.Select(o => JsonSerializer.Serialize(o, serializer.Options))));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The organisations among <paramref name="ids"/> (all of them when null), from the table.</summary>
    internal static async Task<Dictionary<string, Organisation>> LoadAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, SchemaName schema, JsonSerializerOptions options, string[]? ids, bool forUpdate,
        CancellationToken cancellationToken)
    {
        var filter = ids is null ? "" : " where organisation_id = any ($1)";
        await using var command = new NpgsqlCommand(
            $"select state::text from {schema.Quoted}.organisations{filter}{(forUpdate ? " for update" : "")}", connection, transaction);
        if (ids is not null)
        {
            command.Parameters.Add(new NpgsqlParameter<string[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = ids });
        }
        var organisations = new Dictionary<string, Organisation>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var organisation = JsonSerializer.Deserialize<Organisation>(reader.GetString(0), options)
                ?? throw new JsonException("an organisations row holds null");
            organisations[organisation.Id] = organisation;
        }
        return organisations;
    }

    private static NpgsqlParameter<string[]> Text(IEnumerable<string> values) =>
        new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = values.ToArray() };
}
