using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace ChipRegistry.EventStore;

/// <summary>
/// The API's Idempotency-Key store, in the same table as the appends' keys: a response saved
/// under (organisation, key, request hash) is returned for 30 days; the same key with another
/// request hash is an error. A response that answers an append is saved in the append's own
/// transaction (<see cref="ResponseCommit"/>); <see cref="SaveAsync(string, string, byte[], StoredResponse, CancellationToken)"/>
/// keeps the response of a request that appended nothing.
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
            $"select request_hash, response_status, response_content, response_body, response_headers from {Table} where organisation = $1 and key = $2 and expires_at > now()", connection);
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
        if (reader.IsDBNull(1))
        {
            return null;
        }
        // Responses kept before migration 0003 have a text body and no headers.
        var body = !reader.IsDBNull(2) ? reader.GetFieldValue<byte[]>(2)
            : !reader.IsDBNull(3) ? Encoding.UTF8.GetBytes(reader.GetString(3))
            : [];
        var headers = reader.IsDBNull(4) ? new Dictionary<string, string>() : JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(4))!;
        return new StoredResponse(reader.GetInt32(1), body, headers);
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
            insert into {Table} as k (organisation, key, request_hash, response_status, response_headers, response_content)
            values ($1, $2, $3, $4, $5, $6)
            on conflict (organisation, key) do update
                set response_status = excluded.response_status,
                    response_headers = excluded.response_headers,
                    response_content = excluded.response_content,
                    response_body = null,
                    request_hash = excluded.request_hash,
                    result = case when k.expires_at <= now() then null else k.result end,
                    created_at = case when k.expires_at <= now() then now() else k.created_at end,
                    expires_at = case when k.expires_at <= now() then now() + interval '30 days' else k.expires_at end
                where k.request_hash = excluded.request_hash or k.expires_at <= now()
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = organisation });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = requestHash });
        AddResponse(command, response);
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            throw new IdempotencyKeyReusedException(organisation, key);
        }
    }

    /// <summary>The response of an append, saved in the append's transaction on the row its claim of the key wrote.</summary>
    public static async Task SaveAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, SchemaName schema, string organisation, string key, StoredResponse response, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"""
            update {schema.Quoted}.idempotency_keys
            set response_status = $3, response_headers = $4, response_content = $5, response_body = null
            where organisation = $1 and key = $2
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = organisation });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        AddResponse(command, response);
        if (await command.ExecuteNonQueryAsync(cancellationToken) != 1)
        {
            throw new InvalidOperationException($"The append under key '{key}' left no row to keep its response in.");
        }
    }

    public async Task<long> PurgeExpiredAsync(CancellationToken cancellationToken)
    {
        await using var connection = await context.DataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"delete from {Table} where expires_at <= now()", connection);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void AddResponse(NpgsqlCommand command, StoredResponse response)
    {
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = response.Status });
        command.Parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Jsonb, TypedValue = JsonSerializer.Serialize(response.Headers) });
        command.Parameters.Add(new NpgsqlParameter<byte[]> { NpgsqlDbType = NpgsqlDbType.Bytea, TypedValue = response.Body });
    }
}
