using ChipRegistry.Domain.Chips;
using ChipRegistry.EventStore;
using Npgsql;
using NpgsqlTypes;

namespace ChipRegistry.Domain.Persistence;

/// <summary>A chip-state row as search and the API read it (the columns, not the history).</summary>
public sealed record ChipStateRow(
    string ChipId, long Version, long LastSeqId, string Stage, string? ModelId, string? ManufacturerId, string? LotId, string? OwnerId,
    string? CustodianId, string? LocationCountry, string? FacilityId, string? ClusterId, string? AssemblyId, bool OnHold, bool Illegitimate,
    int Observations, int ConflictingObservations);

/// <summary>The SQL that reads <c>chip_state</c>: in one place, used by the projection and by the loaders.</summary>
internal static class ChipStateRows
{
    public const string Columns =
        "chip_id, version, last_seq_id, stage, model_id, manufacturer_id, lot_id, owner_id, custodian_id, location_country, facility_id, cluster_id, " +
        "assembly_id, on_hold, illegitimate, observations, conflicting_observations";

    /// <summary>The states (folded from each row's history) of the chips among <paramref name="chipIds"/> that have a row.</summary>
    public static async Task<Dictionary<string, ChipState>> LoadStatesAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, SchemaName schema, EventSerializer serializer, string[] chipIds, bool forUpdate,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"select chip_id, history::text from {schema.Quoted}.chip_state where chip_id = any ($1){(forUpdate ? " for update" : "")}", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = chipIds });
        var states = new Dictionary<string, ChipState>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var chipId = reader.GetString(0);
            states[chipId] = ChipState.Fold(chipId, ChipHistoryJson.Read(serializer, reader.GetString(1)));
        }
        return states;
    }

    public static ChipStateRow Read(NpgsqlDataReader reader) => new(
        reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetString(3), Nullable(reader, 4), Nullable(reader, 5), Nullable(reader, 6),
        Nullable(reader, 7), Nullable(reader, 8), Nullable(reader, 9), Nullable(reader, 10), Nullable(reader, 11), Nullable(reader, 12),
        reader.GetBoolean(13), reader.GetBoolean(14), reader.GetInt32(15), reader.GetInt32(16));

    private static string? Nullable(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
