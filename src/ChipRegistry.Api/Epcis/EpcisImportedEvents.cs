using System.Text.Json.Nodes;
using ChipRegistry.Domain.Gs1;
using ChipRegistry.EventStore;
using Npgsql;
using NpgsqlTypes;

namespace ChipRegistry.Api.Epcis;

/// <summary>A chip event an EPCIS event produced, with the EPCIS event as the organisation sent it.</summary>
public sealed record EpcisImportedEvent(Guid EventId, string ChipId, string OrganisationId, string EpcisKey, string? TimeZoneOffset, string Raw);

/// <summary>
/// Keeps each imported EPCIS event beside the chip events it produced, so export gives back its eventID, offset and the
/// fields the registry does not model. Written after the append commits: an import whose record is lost (a crash in
/// between) exports its chip events as the registry's own acts (eventID <c>urn:uuid:</c>, offset <c>+00:00</c>). An event
/// is kept per sending organisation: an eventID another organisation has used never gives its fields to this one's export.
/// </summary>
public sealed class EpcisImportedEvents(NpgsqlDataSource dataSource, IEventStore store)
{
    public const string MigrationModule = "epcis";

    public async Task RecordAsync(IReadOnlyList<EpcisImportedEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0) return;
        var byKey = events.DistinctBy(e => (e.OrganisationId, e.EpcisKey)).ToList();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = new NpgsqlCommand(
            $"""
            insert into {store.Schema.Quoted}.epcis_events (organisation_id, epcis_key, time_zone_offset, event)
            select * from unnest($4::text[], $1::text[], $2::text[], $3::jsonb[]) on conflict (organisation_id, epcis_key) do nothing
            """, connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. byKey.Select(e => e.EpcisKey)] });
            command.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = [.. byKey.Select(e => e.TimeZoneOffset)] });
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. byKey.Select(e => e.Raw)], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. byKey.Select(e => e.OrganisationId)] });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var command = new NpgsqlCommand(
            $"""
            insert into {store.Schema.Quoted}.epcis_chip_events (event_id, chip_id, epcis_key, organisation_id)
            select * from unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) on conflict (event_id) do nothing
            """, connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. events.Select(e => e.EventId)] });
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. events.Select(e => e.ChipId)] });
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. events.Select(e => e.EpcisKey)] });
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. events.Select(e => e.OrganisationId)] });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Each event whose eventID the organisation sent before, or earlier in this document, with other content: an
    /// eventID names one event (EPCIS 2.0, 7.4.1), and a second event under it would be skipped as already imported
    /// while its chips exported the first one's fields. The same event again, or again with an error declaration, is
    /// no reuse (the declaration is how EPCIS corrects an event).
    /// </summary>
    public async Task<IReadOnlyList<EpcisElementError>> ReusedIdsAsync(string organisationId, IReadOnlyList<EpcisEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        var identified = events.Where(e => e.EventId is not null).ToList();
        if (identified.Count == 0) return [];
        var reused = new List<EpcisElementError>();
        var firstSent = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        await using (var command = dataSource.CreateCommand(
            $"""
            select epcis_key, (event - 'errorDeclaration' - 'recordTime')::text
            from {store.Schema.Quoted}.epcis_events
            where organisation_id = $1 and epcis_key = any ($2)
            """))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = organisationId });
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. identified.Select(e => e.EventId!).Distinct(StringComparer.Ordinal)] });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                firstSent[reader.GetString(0)] = JsonNode.Parse(reader.GetString(1));
            }
        }
        foreach (var e in identified)
        {
            var content = Content(e.Raw);
            if (!firstSent.TryGetValue(e.EventId!, out var first))
            {
                firstSent[e.EventId!] = content;
            }
            else if (!JsonNode.DeepEquals(first, content))
            {
                reused.Add(new EpcisElementError(e.Position, EpcisErrors.EventIdReused,
                    $"eventID {e.EventId} names an event this organisation sent before with other content: give a new event its own eventID"));
            }
        }
        return reused;
    }

    private static JsonNode? Content(string raw)
    {
        var node = JsonNode.Parse(raw);
        if (node is JsonObject o)
        {
            o.Remove("errorDeclaration");
            o.Remove("recordTime");
        }
        return node;
    }

    /// <summary>For each of the chip's events that came from EPCIS: its key, offset and the event as sent.</summary>
    public async Task<IReadOnlyDictionary<Guid, (string Key, string? Offset, string Raw)>> ForChipAsync(string chipId, CancellationToken cancellationToken)
    {
        var found = new Dictionary<Guid, (string, string?, string)>();
        await using var command = dataSource.CreateCommand(
            $"""
            select c.event_id, e.epcis_key, e.time_zone_offset, e.event::text
            from {store.Schema.Quoted}.epcis_chip_events c join {store.Schema.Quoted}.epcis_events e using (organisation_id, epcis_key)
            where c.chip_id = $1
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = chipId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            found[reader.GetGuid(0)] = (reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetString(3));
        }
        return found;
    }
}
