using System.Text.Json;
using ChipRegistry.EventStore;
using Npgsql;
using NpgsqlTypes;
using NodaTime;

namespace ChipRegistry.Api.Epcis;

/// <summary>
/// A capture job as EPCIS 2.0's capture interface reports it: <see cref="Running"/> until the document is processed, then
/// <see cref="Success"/> and, per element that did not map, its position, code and reason.
/// </summary>
public sealed record CaptureJob(
    Guid CaptureId, string ErrorBehaviour, Instant CreatedAt, Instant? FinishedAt, bool Running, bool? Success, int EventCount, int Applied,
    int AlreadyImported, IReadOnlyList<EpcisElementError> Errors);

/// <summary>Capture jobs, one row each, visible to the organisation that sent the document.</summary>
public sealed class EpcisCaptureJobs(NpgsqlDataSource dataSource, IEventStore store)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<CaptureJob> StartAsync(Guid captureId, string organisationId, string errorBehaviour, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"insert into {store.Schema.Quoted}.epcis_capture_jobs (capture_id, organisation_id, error_behaviour) values ($1, $2, $3) returning created_at");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = captureId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = organisationId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = errorBehaviour });
        // the data source maps timestamptz to NodaTime's Instant
        var created = (Instant)(await command.ExecuteScalarAsync(cancellationToken))!;
        return new CaptureJob(captureId, errorBehaviour, created, null, true, null, 0, 0, 0, []);
    }

    public async Task FinishAsync(Guid captureId, EpcisImportResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        await using var command = dataSource.CreateCommand(
            $"""
            update {store.Schema.Quoted}.epcis_capture_jobs
            set finished_at = clock_timestamp(), running = false, success = $2, event_count = $3, applied = $4, already_imported = $5, errors = $6
            where capture_id = $1
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = captureId });
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = result.Success });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = result.EventCount });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = result.Applied });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = result.AlreadyImported });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = JsonSerializer.Serialize(result.Errors, Json), NpgsqlDbType = NpgsqlDbType.Jsonb });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The job, if <paramref name="organisationId"/> sent it (another organisation's job is not found).</summary>
    public async Task<CaptureJob?> FindAsync(Guid captureId, string organisationId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            select error_behaviour, created_at, finished_at, running, success, event_count, applied, already_imported, errors::text
            from {store.Schema.Quoted}.epcis_capture_jobs where capture_id = $1 and organisation_id = $2
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = captureId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = organisationId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        return new CaptureJob(captureId, reader.GetString(0), reader.GetFieldValue<Instant>(1),
            reader.IsDBNull(2) ? null : reader.GetFieldValue<Instant>(2),
            reader.GetBoolean(3), reader.IsDBNull(4) ? null : reader.GetBoolean(4), reader.GetInt32(5), reader.GetInt32(6), reader.GetInt32(7),
            JsonSerializer.Deserialize<List<EpcisElementError>>(reader.GetString(8), Json) ?? []);
    }
}
