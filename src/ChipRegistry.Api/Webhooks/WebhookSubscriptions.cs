using ChipRegistry.Domain.Webhooks;
using ChipRegistry.EventStore;
using NodaTime;
using Npgsql;

namespace ChipRegistry.Api.Webhooks;

public sealed record WebhookSubscription(
    Guid Id, string OrganisationId, string Url, IReadOnlyList<string> Kinds, IReadOnlyList<int>? Rules, IReadOnlyList<string>? Severities, Instant CreatedAt);

public sealed record DeliveryAttempt(int Attempt, Instant At, int? StatusCode, string? Error, int DurationMs);

public sealed record Delivery(
    Guid Id, long Seq, string FlagId, string Kind, string State, int Attempts, Instant CreatedAt, Instant? NextAttemptAt, Instant? DeliveredAt,
    string? LastError, IReadOnlyList<DeliveryAttempt> AttemptLog);

public enum RedeliverOutcome
{
    Queued,
    NotFound,
    NotDead,
}

/// <summary>
/// Subscriptions, their deliveries and attempts: plain rows (migration 0006), each read and changed only by the
/// organisation that subscribed. Another organisation's subscription answers as an unknown one.
/// </summary>
public sealed class WebhookSubscriptions(NpgsqlDataSource dataSource, IEventStore store)
{
    private string Schema => store.Schema.Quoted;

    public async Task CreateAsync(WebhookSubscription subscription, string secret, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        await using var command = dataSource.CreateCommand(
            $"insert into {Schema}.webhook_subscriptions (id, organisation_id, url, kinds, rules, severities, secret, created_at) values ($1, $2, $3, $4, $5, $6, $7, $8)");
        var p = command.Parameters;
        p.Add(new NpgsqlParameter<Guid> { TypedValue = subscription.Id });
        p.Add(new NpgsqlParameter<string> { TypedValue = subscription.OrganisationId });
        p.Add(new NpgsqlParameter<string> { TypedValue = subscription.Url });
        p.Add(new NpgsqlParameter<string[]> { TypedValue = [.. subscription.Kinds] });
        p.Add(new NpgsqlParameter { Value = subscription.Rules is { } rules ? rules.ToArray() : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Integer });
        p.Add(new NpgsqlParameter { Value = subscription.Severities is { } severities ? severities.ToArray() : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text });
        p.Add(new NpgsqlParameter<string> { TypedValue = secret });
        p.Add(new NpgsqlParameter<Instant> { TypedValue = subscription.CreatedAt });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<WebhookSubscription>> ListAsync(string organisationId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"select id, organisation_id, url, kinds, rules, severities, created_at from {Schema}.webhook_subscriptions where organisation_id = $1 and deleted_at is null order by created_at, id");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = organisationId });
        var subscriptions = new List<WebhookSubscription>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            subscriptions.Add(new WebhookSubscription(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<string[]>(3),
                reader.IsDBNull(4) ? null : reader.GetFieldValue<int[]>(4), reader.IsDBNull(5) ? null : reader.GetFieldValue<string[]>(5),
                reader.GetFieldValue<Instant>(6)));
        }
        return subscriptions;
    }

    /// <summary>Ends the subscription: nothing more is enqueued or sent for it; its delivery log is no longer listed.</summary>
    public async Task<bool> DeleteAsync(string organisationId, Guid id, Instant at, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"update {Schema}.webhook_subscriptions set deleted_at = $3, secret = '' where id = $1 and organisation_id = $2 and deleted_at is null");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = organisationId });
        command.Parameters.Add(new NpgsqlParameter<Instant> { TypedValue = at });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>The subscription's deliveries, newest first, below <paramref name="beforeSeq"/>; null when it is not the organisation's.</summary>
    public async Task<IReadOnlyList<Delivery>?> DeliveriesAsync(string organisationId, Guid id, string? state, long? beforeSeq, int limit, CancellationToken cancellationToken)
    {
        if (!await OwnsAsync(organisationId, id, cancellationToken)) return null;
        await using var command = dataSource.CreateCommand(
            $"""
            select id, seq, flag_id, kind, state, attempts, created_at, next_attempt_at, delivered_at, last_error
            from {Schema}.webhook_deliveries
            where subscription_id = $1 and ($2::text is null or state = $2) and ($3::bigint is null or seq < $3)
            order by seq desc limit $4
            """);
        var p = command.Parameters;
        p.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        p.Add(new NpgsqlParameter { Value = (object?)state ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        p.Add(new NpgsqlParameter { Value = (object?)beforeSeq ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        p.Add(new NpgsqlParameter<int> { TypedValue = limit });
        var rows = new List<Delivery>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(new Delivery(reader.GetGuid(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetInt32(5),
                    reader.GetFieldValue<Instant>(6), reader.IsDBNull(7) ? null : reader.GetFieldValue<Instant>(7),
                    reader.IsDBNull(8) ? null : reader.GetFieldValue<Instant>(8), reader.IsDBNull(9) ? null : reader.GetString(9), []));
            }
        }
        var attempts = rows.ToDictionary(d => d.Id, _ => new List<DeliveryAttempt>());
        if (rows.Count > 0)
        {
            await using var read = dataSource.CreateCommand(
                $"select delivery_id, attempt, attempted_at, status_code, error, duration_ms from {Schema}.webhook_attempts where delivery_id = any($1) order by delivery_id, attempt");
            read.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. rows.Select(d => d.Id)] });
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                attempts[reader.GetGuid(0)].Add(new DeliveryAttempt(reader.GetInt32(1), reader.GetFieldValue<Instant>(2), reader.IsDBNull(3) ? null : reader.GetInt32(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetInt32(5)));
            }
        }
        return [.. rows.Select(d => d with { AttemptLog = attempts[d.Id] })];
    }

    /// <summary>A dead delivery goes back to pending, due at once, with a fresh day of retries; its attempts stay in the log.</summary>
    public async Task<RedeliverOutcome> RedeliverAsync(string organisationId, Guid id, Guid deliveryId, CancellationToken cancellationToken)
    {
        if (!await OwnsAsync(organisationId, id, cancellationToken)) return RedeliverOutcome.NotFound;
        await using var command = dataSource.CreateCommand(
            $"""
            with target as (select id, state from {Schema}.webhook_deliveries where id = $2 and subscription_id = $1 for update),
            requeued as (
                update {Schema}.webhook_deliveries d set state = '{WebhookOutbox.Pending}', next_attempt_at = null, first_attempt_at = null, rounds = 0
                from target t where d.id = t.id and t.state = '{WebhookOutbox.Dead}' returning d.id)
            select (select state from target), exists (select 1 from requeued)
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = deliveryId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        if (reader.IsDBNull(0)) return RedeliverOutcome.NotFound;
        return reader.GetBoolean(1) ? RedeliverOutcome.Queued : RedeliverOutcome.NotDead;
    }

    private async Task<bool> OwnsAsync(string organisationId, Guid id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"select 1 from {Schema}.webhook_subscriptions where id = $1 and organisation_id = $2 and deleted_at is null");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = organisationId });
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }
}
