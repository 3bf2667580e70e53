using System.Security.Claims;
using ChipRegistry.Api.Keys;
using ChipRegistry.EventStore;
using Npgsql;
using NodaTime;

namespace ChipRegistry.Api.Chips.Reads;

/// <summary>What was read: the chip state, the chip history, the chip's placements or custody chain, or a verification.</summary>
public static class ChipReadEndpoint
{
    public const string State = "chip_state";
    public const string History = "chip_history";
    public const string Placements = "chip_placements";
    public const string Custody = "chip_custody";
    public const string Verification = "verification";
}

/// <summary>The answer a verification gave, kept with its entry.</summary>
public sealed record VerificationOutcome(string AskedOrganisationId, bool Registered, bool OrganisationIsCurrentHolder);

public sealed record ChipReadEntry(
    long EntryId, Instant ReadAt, string OrganisationId, string KeyId, string Endpoint, string ChipId, string? Query,
    string? AskedOrganisationId, bool? Registered, bool? OrganisationIsCurrentHolder);

/// <summary>
/// The read log: agencies' reads of chips and every verification. An entry is committed before the response is
/// written, so a failure to log fails the request instead of leaving an answered read unrecorded.
/// </summary>
public sealed class ChipReadLog(NpgsqlDataSource dataSource, IEventStore store)
{
    public const string MigrationModule = "chip_read_log";

    public async Task RecordAsync(ClaimsPrincipal reader, string endpoint, string chipId, string? query, VerificationOutcome? verification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        await using var command = dataSource.CreateCommand(
            $"""
            insert into {store.Schema.Quoted}.chip_read_log
                (organisation_id, key_id, endpoint, chip_id, query, asked_organisation_id, registered, organisation_is_current_holder)
            values ($1, $2, $3, $4, $5, $6, $7, $8)
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = reader.OrganisationId() });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = reader.FindFirstValue(ApiKeyAuthenticationHandler.KeyIdClaim) ?? "" });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = endpoint });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = chipId });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)query ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)verification?.AskedOrganisationId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)verification?.Registered ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)verification?.OrganisationIsCurrentHolder ?? DBNull.Value });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Entries after <paramref name="afterEntryId"/>, oldest first.</summary>
    public async Task<IReadOnlyList<ChipReadEntry>> ListAsync(long afterEntryId, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            select entry_id, read_at, organisation_id, key_id, endpoint, chip_id, query, asked_organisation_id, registered, organisation_is_current_holder
            from {store.Schema.Quoted}.chip_read_log where entry_id > $1 order by entry_id limit $2
            """);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterEntryId });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        var entries = new List<ChipReadEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new ChipReadEntry(
                reader.GetInt64(0), reader.GetFieldValue<Instant>(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.IsDBNull(8) ? null : reader.GetBoolean(8), reader.IsDBNull(9) ? null : reader.GetBoolean(9)));
        }
        return entries;
    }
}
