using System.Text.Json;
using ChipRegistry.Domain.Chips;
using ChipRegistry.EventStore;
using Npgsql;
using NpgsqlTypes;

namespace ChipRegistry.Domain.Persistence;

/// <summary>A chip-state row as search and the API read it (the columns, not the state document).</summary>
public sealed record ChipStateRow(
    string ChipId, long Version, long LastSeqId, string Stage, string? ModelId, string? ManufacturerId, string? LotId, string? OwnerId,
    string? CustodianId, string? LocationCountry, string? FacilityId, string? ClusterId, string? AssemblyId, bool OnHold, bool Illegitimate,
    int Observations, int ConflictingObservations);

/// <summary>What an organisation is to a chip, from the party-period table.</summary>
public enum ChipRelation
{
    /// <summary>Never a party: the chip is hidden from it (the 404 of an unknown serial).</summary>
    None,

    /// <summary>A party once, not now: it sees its own period only.</summary>
    Former,

    /// <summary>A party now (owner, custodian, named buyer or consignee, operator of the chip's facility).</summary>
    Current,
}

/// <summary>The SQL that reads <c>chip_state</c> and <c>chip_parties</c>: in one place, used by the projection and by the loaders.</summary>
internal static class ChipStateRows
{
    public const string Columns =
        "chip_id, version, last_seq_id, stage, model_id, manufacturer_id, lot_id, owner_id, custodian_id, location_country, facility_id, cluster_id, " +
        "assembly_id, on_hold, illegitimate, observations, conflicting_observations";

    /// <summary>The states of the chips among <paramref name="chipIds"/> (stream keys) that have a row.</summary>
    public static async Task<Dictionary<string, ChipState>> LoadStatesAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, SchemaName schema, string[] chipIds, bool forUpdate,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"select chip_id, state::text from {schema.Quoted}.chip_state where chip_id {OneOf(chipIds)}{(forUpdate ? " for update" : "")}", connection, transaction);
        command.Parameters.Add(Ids(chipIds));
        var states = new Dictionary<string, ChipState>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            states[reader.GetString(0)] = ReadState(reader, 1);
        }
        return states;
    }

    /// <summary>
    /// The states of the chips among <paramref name="chipIds"/> (stream keys) that <paramref name="organisationId"/>
    /// has been a party to, each with what it is to it, in one statement: the load a chip write makes. The statement
    /// starts from the caller's party periods, so a chip it never held costs what an unknown serial costs (one probe
    /// of <c>chip_parties</c> that finds nothing): neither its row nor its state is read, and the 404 takes no longer.
    /// </summary>
    public static async Task<Dictionary<string, (ChipState State, ChipRelation Relation)>> LoadWithRelationAsync(
        NpgsqlConnection connection, SchemaName schema, string[] chipIds, string organisationId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"""
            select s.chip_id, s.state::text, p.current
            from (
                select chip_id, bool_or(to_version is null) as current
                from {schema.Quoted}.chip_parties
                where chip_id {OneOf(chipIds)} and organisation_id = $2
                group by chip_id) p
            join {schema.Quoted}.chip_state s on s.chip_id = p.chip_id
            """, connection);
        command.Parameters.Add(Ids(chipIds));
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = organisationId });
        var loaded = new Dictionary<string, (ChipState, ChipRelation)>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            loaded[reader.GetString(0)] = (ReadState(reader, 1), reader.GetBoolean(2) ? ChipRelation.Current : ChipRelation.Former);
        }
        return loaded;
    }

    /// <summary>
    /// What <paramref name="organisationId"/> is to the chip (a stream key), from <c>chip_parties</c> alone: the 404
    /// decision of a read or write that goes on to read the chip's events, taken before any of them is read.
    /// </summary>
    public static async Task<ChipRelation> RelationAsync(
        NpgsqlConnection connection, SchemaName schema, string chipId, string organisationId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"select bool_or(to_version is null) from {schema.Quoted}.chip_parties where chip_id = $1 and organisation_id = $2", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = chipId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = organisationId });
        return await command.ExecuteScalarAsync(cancellationToken) switch
        {
            true => ChipRelation.Current,
            false => ChipRelation.Former,
            _ => ChipRelation.None,
        };
    }

    /// <summary>
    /// The last version of the chip <paramref name="organisationId"/> may read (null: none): the end of its latest
    /// party period, or the chip's version while it is a party.
    /// </summary>
    public static async Task<long?> VisibleUpToAsync(
        NpgsqlConnection connection, SchemaName schema, string chipId, string organisationId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"""
            select max(coalesce(p.to_version, s.version))
            from {schema.Quoted}.chip_parties p join {schema.Quoted}.chip_state s on s.chip_id = p.chip_id
            where p.chip_id = $1 and p.organisation_id = $2
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = chipId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = organisationId });
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is long version ? version : null;
    }

    public static ChipStateRow Read(NpgsqlDataReader reader) => new(
        reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetString(3), Nullable(reader, 4), Nullable(reader, 5), Nullable(reader, 6),
        Nullable(reader, 7), Nullable(reader, 8), Nullable(reader, 9), Nullable(reader, 10), Nullable(reader, 11), Nullable(reader, 12),
        reader.GetBoolean(13), reader.GetBoolean(14), reader.GetInt32(15), reader.GetInt32(16));

    /// <summary>
    /// The condition on the ids in $1: <c>= $1</c> for one id (the load of every chip command), <c>= any ($1)</c> for
    /// several. Measured with pg_stat_statements' planning counts: PostgreSQL planned the prepared <c>= any ($1)</c> load
    /// afresh on every call (it kept preferring a custom plan to the generic one), and the planning took more server
    /// time than the load itself (0.20 against 0.11 ms); with a scalar it settles on the generic plan after five calls.
    /// </summary>
    internal static string OneOf(string[] ids) => ids.Length == 1 ? "= $1" : "= any ($1)";

    /// <summary>The parameter that goes with <see cref="OneOf"/>: the id itself, or the array.</summary>
    internal static NpgsqlParameter Ids(string[] ids) =>
        ids.Length == 1
            ? new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = ids[0] }
            : new NpgsqlParameter<string[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = ids };

    private static ChipState ReadState(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal)
            ? throw new InvalidOperationException("a chip_state row has no state: run the chip-state upgrade (ChipStateUpgrade) after migrating")
            : JsonSerializer.Deserialize<ChipState>(reader.GetString(ordinal), ChipStateJson.Options)
              ?? throw new JsonException("a chip_state row's state is null");

    private static string? Nullable(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
