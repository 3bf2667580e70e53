using Npgsql;
using NpgsqlTypes;

namespace ChipRegistry.EventStore;

/// <summary>
/// The API's Idempotency-Key store, in the same table as the appends' keys: a response saved
/// under (organisation, key, request hash) is returned for 30 days; the same key with another
/// request hash is an error.
/// </summary>
internal sealed class IdempotentResponses(StoreContext context)
{
    private string Table => $"{context.Schema.Quoted}.idempotency_keys";

    public async Task<StoredResponse?> FindAsync(string organisation, string key, byte[] requestHash, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(organisation);
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(requestHash);
        await using var connection = await context.DataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            $"select request_hash, response_status, response_body from {Table} where organisation = $1 and key = $2 and expires_at > now()", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = organisation });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }
        if (!reader.GetFieldValue<byte[]>(0).AsSpan().SequenceEqual(requestHash))
        {
            throw new IdempotencyKeyReusedException(organisation, key);
        }
        // A key claimed by an append without a saved response: the caller goes on, and the
        // append replays its first result.
        return reader.IsDBNull(1) ? null : new StoredResponse(reader.GetInt32(1), reader.IsDBNull(2) ? "" : reader.GetString(2));
    }

    public async Task SaveAsync(string organisation, string key, byte[] requestHash, StoredResponse response, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(organisation);
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(requestHash);
        ArgumentNullException.ThrowIfNull(response);
        await using var connection = await context.DataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            $"""
            insert into {Table} as k (organisation, key, request_hash, response_status, response_body)
            values ($1, $2, $3, $4, $5)
            on conflict (organisation, key) do update
                set response_status = excluded.response_status,
                    response_body = excluded.response_body,
                    request_hash = excluded.request_hash,
                    result = case when k.expires_at <= now() then null else k.result end,
                    created_at = case when k.expires_at <= now() then now() else k.created_at end,
                    expires_at = case when k.expires_at <= now() then now() + interval '30 days' else k.expires_at end
                where k.request_hash = excluded.request_hash or k.expires_at <= now()
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = organisation });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = requestHash });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = response.Status });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = response.Body });
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            throw new IdempotencyKeyReusedException(organisation, key);
        }
    }

    public async Task<long> PurgeExpiredAsync(CancellationToken cancellationToken)
    {
        await using var connection = await context.DataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"delete from {Table} where expires_at <= now()", connection);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
