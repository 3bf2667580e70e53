using ChipRegistry.Domain.Attestations;
using ChipRegistry.EventStore;
using Npgsql;
using NpgsqlTypes;
using NodaTime;

namespace ChipRegistry.Api.Attestations;

/// <summary>A registered key as listed: the public half only, which is all the registry ever holds.</summary>
public sealed record AttestationKeyResponse(
    string OrganisationId, string KeyId, string PublicKeyPem, Instant ValidFrom, Instant? ValidUntil, string RegisteredBy, Instant RegisteredAt);

/// <summary>
/// Operators' attestation keys and agencies' signing requirements: appended as events on one stream per operator,
/// read back through the inline tables the <see cref="AttestationProjection"/> keeps.
/// </summary>
public sealed class AttestationKeyStore(IEventStore store, NpgsqlDataSource dataSource, IClock clock)
{
    public async Task RegisterAsync(AttestationKeyRegistered registered, AppendMetadata metadata, CancellationToken cancellationToken)
    {
        var stream = AttestationEventNames.KeysStream(registered.OrganisationId);
        var version = await store.FetchStreamVersionAsync(stream, cancellationToken);
        // The stream version guards the check: a concurrent registration of the same id loses on its expected version.
        await store.AppendAsync(
            new StreamAppend(stream, version == 0 ? ExpectedVersion.NoStream : ExpectedVersion.Exactly(version),
                new NewEvent(registered, clock.GetCurrentInstant()), AttestationEventNames.KeysStreamType),
            metadata, cancellationToken);
    }

    public async Task RetireAsync(AttestationKeyRetired retired, AppendMetadata metadata, CancellationToken cancellationToken) =>
        await store.AppendAsync(
            new StreamAppend(AttestationEventNames.KeysStream(retired.OrganisationId), ExpectedVersion.Any,
                new NewEvent(retired, clock.GetCurrentInstant()), AttestationEventNames.KeysStreamType),
            metadata, cancellationToken);

    public async Task RequireSigningAsync(SigningRequired required, AppendMetadata metadata, CancellationToken cancellationToken) =>
        await store.AppendAsync(
            new StreamAppend(AttestationEventNames.RequirementStream(required.OrganisationId), ExpectedVersion.Any,
                new NewEvent(required, clock.GetCurrentInstant()), AttestationEventNames.RequirementStreamType),
            metadata, cancellationToken);

    /// <summary>One page of keys (of one organisation, or all when null), in (organisation, key id) order after the cursor.</summary>
    public async Task<IReadOnlyList<AttestationKeyResponse>> ListAsync(
        string? organisationId, string? keyId, (string OrganisationId, string KeyId)? after, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            select organisation_id, key_id, public_key_pem, valid_from, valid_until, registered_by, registered_at
            from {store.Schema.Quoted}.attestation_keys
            where ($1::text is null or organisation_id = $1) and ($2::text is null or key_id = $2)
              and ($3::text is null or (organisation_id, key_id) > ($3, $4))
            order by organisation_id, key_id
            limit $5
            """);
        command.Parameters.Add(Text(organisationId));
        command.Parameters.Add(Text(keyId));
        command.Parameters.Add(Text(after?.OrganisationId));
        command.Parameters.Add(Text(after?.KeyId));
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var keys = new List<AttestationKeyResponse>();
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(new AttestationKeyResponse(
                reader.GetString(0), reader.GetString(1), reader.GetString(2),
                Time(reader.GetFieldValue<Instant>(3)), reader.IsDBNull(4) ? null : Time(reader.GetFieldValue<Instant>(4)),
                reader.GetString(5), Time(reader.GetFieldValue<Instant>(6))));
        }
        return keys;
    }

    public async Task<AttestationKeyResponse?> FindAsync(string organisationId, string keyId, CancellationToken cancellationToken) =>
        (await ListAsync(organisationId, keyId, null, 1, cancellationToken)).SingleOrDefault();

    /// <summary>The operator's keys as the verifier takes them.</summary>
    public async Task<IReadOnlyList<AttestationKey>> KeysOfAsync(string organisationId, CancellationToken cancellationToken) =>
        [.. (await ListAsync(organisationId, null, null, 10_000, cancellationToken)).Select(k => new AttestationKey(
            k.KeyId, k.OrganisationId, k.PublicKeyPem, k.ValidFrom, k.ValidUntil))];

    /// <summary>From when the operator must sign, or null when no agency requires it.</summary>
    public async Task<Instant?> SigningRequiredFromAsync(string organisationId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"select required_from from {store.Schema.Quoted}.signing_requirements where organisation_id = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = organisationId });
        return await command.ExecuteScalarAsync(cancellationToken) is Instant from ? from : null;
    }

    private static NpgsqlParameter Text(string? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };

    private static Instant Time(Instant timestamp) => timestamp;
}
