using System.Security.Cryptography;
using ChipRegistry.EventStore;
using Npgsql;
using NodaTime;

namespace ChipRegistry.Api.Attestations;

/// <summary>What claiming a nonce found.</summary>
public enum NonceClaim
{
    /// <summary>Issued to this operator, unexpired, unused: now used by this attestation.</summary>
    Claimed,

    /// <summary>Already used by another attestation (before, or at the same moment).</summary>
    AlreadyUsed,

    /// <summary>Never issued, issued to another organisation, or expired.</summary>
    NotIssued,
}

public sealed class AttestationOptions
{
    public const string Section = "Registry:Attestations";

    /// <summary>How long an issued nonce may be used.</summary>
    public TimeSpan NonceLifetime { get; set; } = TimeSpan.FromMinutes(10);
}

/// <summary>
/// Single-use registry nonces: the operator signs one into each attestation, so a signature cannot be replayed
/// later or elsewhere. A claim is one conditional UPDATE, so of two attestations racing on one nonce exactly one
/// claims it; the row lock makes the second wait and then see it used.
/// </summary>
public sealed class AttestationNonces(IEventStore store, NpgsqlDataSource dataSource, IClock clock, Microsoft.Extensions.Options.IOptions<AttestationOptions> options)
{
    public async Task<(string Nonce, Instant ExpiresAt)> IssueAsync(string organisationId, CancellationToken cancellationToken)
    {
        var nonce = Base64Url(RandomNumberGenerator.GetBytes(24));
        var now = clock.GetCurrentInstant();
        var expiresAt = now + Duration.FromTimeSpan(options.Value.NonceLifetime);
        await using var command = dataSource.CreateCommand(
            $"insert into {store.Schema.Quoted}.attestation_nonces (nonce, organisation_id, issued_at, expires_at) values ($1, $2, $3, $4)");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = nonce });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = organisationId });
        command.Parameters.Add(new NpgsqlParameter<Instant> { TypedValue = PostgresTime.Truncate(now) });
        command.Parameters.Add(new NpgsqlParameter<Instant> { TypedValue = PostgresTime.Truncate(expiresAt) });
        await command.ExecuteNonQueryAsync(cancellationToken);
        return (nonce, PostgresTime.Truncate(expiresAt));
    }

    /// <summary>Claims the nonce for the attestation event <paramref name="eventId"/>; expiry is judged at the registry's now.</summary>
    public async Task<NonceClaim> ClaimAsync(string nonce, string organisationId, Guid eventId, CancellationToken cancellationToken)
    {
        var now = PostgresTime.Truncate(clock.GetCurrentInstant());
        // The outer select reads the row as it was before this statement; the claim waits for a concurrent claimer's
        // commit and then finds the row used, so "not claimed, but unused and unexpired before" means it lost a race.
        await using var command = dataSource.CreateCommand(
            $"""
            with claimed as (
                update {store.Schema.Quoted}.attestation_nonces set consumed_at = $3, consumed_by = $4
                where nonce = $1 and organisation_id = $2 and consumed_at is null and expires_at > $3
                returning 1)
            select (select count(*) from claimed) > 0, n.consumed_at is not null, n.expires_at > $3
            from {store.Schema.Quoted}.attestation_nonces n where n.nonce = $1 and n.organisation_id = $2
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = nonce });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = organisationId });
        command.Parameters.Add(new NpgsqlParameter<Instant> { TypedValue = now });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = eventId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return NonceClaim.NotIssued;
        }
        var (claimed, usedBefore, unexpired) = (reader.GetBoolean(0), reader.GetBoolean(1), reader.GetBoolean(2));
        return claimed ? NonceClaim.Claimed
            : usedBefore ? NonceClaim.AlreadyUsed
            : unexpired ? NonceClaim.AlreadyUsed
            : NonceClaim.NotIssued;
    }

    /// <summary>Gives a nonce back when the attestation that claimed it was refused, so nothing but a recorded attestation uses one up.</summary>
    public async Task ReleaseAsync(string nonce, Guid eventId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"update {store.Schema.Quoted}.attestation_nonces set consumed_at = null, consumed_by = null where nonce = $1 and consumed_by = $2");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = nonce });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = eventId });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
