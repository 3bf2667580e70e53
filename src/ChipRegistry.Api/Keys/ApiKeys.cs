using ChipRegistry.EventStore;
using Npgsql;
using NodaTime;

namespace ChipRegistry.Api.Keys;

/// <summary>An authenticated caller: the key and the organisation it speaks for, with that organisation's role.</summary>
public sealed record ApiKeyIdentity(string KeyId, string OrganisationId, string Role);

/// <summary>A key as listed to administrators: never the token, never its hash.</summary>
public sealed record ApiKeySummary(string KeyId, string OrganisationId, string Role, string Label, string IssuedBy, Instant IssuedAt, Instant? RevokedAt);

/// <summary>Issues, revokes, lists and checks API keys: events in the store, read through the inline table.</summary>
public sealed class ApiKeys(IEventStore store, NpgsqlDataSource dataSource, IClock clock)
{
    public const string AdminRole = "admin";

    /// <summary>Issues a key and returns its token; the only time the token exists outside the caller.</summary>
    public Task<(string KeyId, string Token)> IssueAsync(string organisationId, string role, string label, string issuedBy, CancellationToken cancellationToken) =>
        IssueAsync(organisationId, role, label, new AppendMetadata(issuedBy), cancellationToken);

    /// <summary>
    /// Issues a key under a request's append metadata (its Idempotency-Key, whose response then commits with the
    /// issue); the acting organisation is the issuer.
    /// </summary>
    public async Task<(string KeyId, string Token)> IssueAsync(string organisationId, string role, string label, AppendMetadata metadata, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var (keyId, token) = ApiKeyToken.Generate();
        await AppendIssuedAsync(keyId, token, organisationId, role, label, metadata, cancellationToken);
        return (keyId, token);
    }

    /// <summary>Registers a token chosen outside (the bootstrap admin key from the environment).</summary>
    public Task IssueAsync(string keyId, string token, string organisationId, string role, string label, string issuedBy, CancellationToken cancellationToken) =>
        AppendIssuedAsync(keyId, token, organisationId, role, label, new AppendMetadata(issuedBy), cancellationToken);

    private async Task AppendIssuedAsync(string keyId, string token, string organisationId, string role, string label, AppendMetadata metadata, CancellationToken cancellationToken)
    {
        var issued = new ApiKeyIssued(keyId, organisationId, role, ApiKeyToken.Hash(token), label, metadata.ActingOrganisation);
        await store.AppendAsync(
            new StreamAppend(ApiKeyEventNames.StreamKey(keyId), ExpectedVersion.NoStream, new NewEvent(issued, clock.GetCurrentInstant()), ApiKeyEventNames.StreamType),
            metadata, cancellationToken);
    }

    /// <summary>
    /// False when the key does not exist (or belongs to another organisation than <paramref name="organisationId"/>, when
    /// given). The acting organisation of <paramref name="metadata"/> is the revoker.
    /// </summary>
    public async Task<bool> RevokeAsync(string keyId, string? organisationId, AppendMetadata metadata, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var revokedBy = metadata.ActingOrganisation;
        var key = (await ReadAsync(organisationId, keyId, cancellationToken)).SingleOrDefault();
        if (key is null)
        {
            return false;
        }
        if (key.RevokedAt is not null)
        {
            return true;
        }
        await store.AppendAsync(
            new StreamAppend(ApiKeyEventNames.StreamKey(keyId), ExpectedVersion.Any, new NewEvent(new ApiKeyRevoked(keyId, revokedBy, reason), clock.GetCurrentInstant())),
            metadata, cancellationToken);
        return true;
    }

    /// <summary>
    /// One page of keys in issue order, optionally of one organisation, after the key <paramref name="afterKeyId"/>
    /// (a key id this listing returned as its last). Null when that key does not exist.
    /// </summary>
    public async Task<(IReadOnlyList<ApiKeySummary> Keys, bool More)?> ListAsync(string? organisationId, string? afterKeyId, int limit, CancellationToken cancellationToken)
    {
        if (afterKeyId is not null && (await ReadAsync(null, afterKeyId, cancellationToken)).Count == 0)
        {
            return null;
        }
        await using var command = dataSource.CreateCommand(
            $$"""
            select k.key_id, k.organisation_id, k.role, k.label, k.issued_by, k.issued_at, k.revoked_at
            from {{store.Schema.Quoted}}.api_keys k
            left join {{store.Schema.Quoted}}.api_keys a on a.key_id = $2
            where ($1::text is null or k.organisation_id = $1)
              and ($2::text is null or (k.issued_at, k.key_id) > (a.issued_at, a.key_id))
            order by k.issued_at, k.key_id
            limit $3
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)organisationId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)afterKeyId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit + 1 });
        var keys = new List<ApiKeySummary>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                keys.Add(Summary(reader));
            }
        }
        return keys.Count > limit ? (keys[..limit], true) : (keys, false);
    }

    private static ApiKeySummary Summary(NpgsqlDataReader reader) => new(
        reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
        reader.GetFieldValue<Instant>(5),
        reader.IsDBNull(6) ? null : reader.GetFieldValue<Instant>(6));

    /// <summary>Keys of one organisation and/or one key id (null: no filter), from the indexed lookup table.</summary>
    private async Task<IReadOnlyList<ApiKeySummary>> ReadAsync(string? organisationId, string? keyId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"select key_id, organisation_id, role, label, issued_by, issued_at, revoked_at from {store.Schema.Quoted}.api_keys where ($1::text is null or organisation_id = $1) and ($2::text is null or key_id = $2) order by issued_at, key_id");
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)organisationId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)keyId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var keys = new List<ApiKeySummary>();
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(Summary(reader));
        }
        return keys;
    }

    /// <summary>The identity behind a token, or null when the token is unknown, malformed or revoked.</summary>
    public async Task<ApiKeyIdentity?> AuthenticateAsync(string token, CancellationToken cancellationToken)
    {
        if (!ApiKeyToken.IsPlausible(token))
        {
            return null;
        }
        await using var command = dataSource.CreateCommand(
            $"select key_id, organisation_id, role from {store.Schema.Quoted}.api_keys where secret_hash = $1 and revoked_at is null");
        command.Parameters.Add(new NpgsqlParameter { Value = ApiKeyToken.Hash(token) });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new ApiKeyIdentity(reader.GetString(0), reader.GetString(1), reader.GetString(2)) : null;
    }

    public async Task<bool> AnyActiveKeyAsync(string organisationId, string role, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"select exists (select 1 from {store.Schema.Quoted}.api_keys where organisation_id = $1 and role = $2 and revoked_at is null)");
        command.Parameters.Add(new NpgsqlParameter { Value = organisationId });
        command.Parameters.Add(new NpgsqlParameter { Value = role });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
