using System.Text;
using ChipRegistry.Api.Hosting;
using ChipRegistry.Domain.Webhooks;
using ChipRegistry.EventStore;
using Microsoft.Extensions.Options;
using Npgsql;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace ChipRegistry.Api.Webhooks;

/// <summary>
/// Sends the outbox's due deliveries, on every API host. One host at a time works on a subscription: it holds the
/// subscription's advisory lock (keyed by schema and id) while it sends, and another host that finds it taken moves on,
/// so each delivery is sent by one host and a receiver sees a subscription's deliveries one at a time. A round is one
/// attempt plus <see cref="WebhookOptions.ImmediateRetries"/> quick retries (Polly: exponential, jittered, each attempt
/// bounded by <see cref="WebhookOptions.Timeout"/>, all on the injected <see cref="TimeProvider"/>); a failed round is
/// rescheduled with its own exponential, jittered wait, and a delivery still failing a day after its first attempt is
/// dead. Every attempt is written as it ends. A crash between a receiver's answer and the row's update sends it again:
/// delivery is at least once, and the body's <c>id</c> lets a receiver drop the repeat.
/// </summary>
public sealed partial class WebhookDispatcher : BackgroundService
{
    private readonly NpgsqlDataSource dataSource;
    private readonly string schema;
    private readonly SchemaReadiness readiness;
    private readonly WebhookOptions options;
    private readonly TimeProvider time;
    private readonly ILogger<WebhookDispatcher> logger;
    private readonly HttpClient http;
    private readonly ResiliencePipeline<HttpResponseMessage> pipeline;

    public WebhookDispatcher(NpgsqlDataSource dataSource, IEventStore store, SchemaReadiness readiness, IOptions<WebhookOptions> options,
        TimeProvider time, WebhookHostResolver resolver, ILogger<WebhookDispatcher> logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        this.dataSource = dataSource;
        schema = store.Schema.Quoted;
        this.readiness = readiness;
        this.options = options.Value;
        this.time = time;
        this.logger = logger;
        http = WebhookHttp.Create(this.options, resolver);
        pipeline = Pipeline(this.options, time);
    }

    private static ResiliencePipeline<HttpResponseMessage> Pipeline(WebhookOptions options, TimeProvider time)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time };
        if (options.ImmediateRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.ImmediateRetries,
                Delay = options.ImmediateRetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>().Handle<TimeoutRejectedException>().HandleResult(r => !r.IsSuccessStatusCode),
            });
        }
        return builder.AddTimeout(options.Timeout).Build();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.DispatchInBackground) return;
        await readiness.WhenReady.WaitAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await RunOnceAsync(stoppingToken) > 0) continue;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogPassFailed(logger, e);
            }
            await Task.Delay(options.PollInterval, time, stoppingToken);
        }
    }

    /// <summary>One pass over the subscriptions with due deliveries; answers how many attempts it made.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var subscriptions = new List<Guid>();
        await using (var due = dataSource.CreateCommand(
            $"""
            select distinct d.subscription_id from {schema}.webhook_deliveries d
            join {schema}.webhook_subscriptions s on s.id = d.subscription_id and s.deleted_at is null
            where d.state = '{WebhookOutbox.Pending}' and (d.next_attempt_at is null or d.next_attempt_at <= $1)
            """))
        {
            due.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = time.GetUtcNow() });
            await using var reader = await due.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) subscriptions.Add(reader.GetGuid(0));
        }
        var attempts = 0;
        foreach (var subscription in subscriptions)
        {
            attempts += await DispatchAsync(subscription, cancellationToken);
        }
        return attempts;
    }

    private sealed record Due(Guid Id, string FlagId, string Kind, int Attempts, int Rounds, DateTimeOffset? FirstAttemptAt, string Body);

    private async Task<int> DispatchAsync(Guid subscription, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var key = $"{schema}.webhook.{subscription}";
        await using (var tryLock = new NpgsqlCommand("select pg_try_advisory_lock(hashtextextended($1, 0))", connection))
        {
            tryLock.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
            if (await tryLock.ExecuteScalarAsync(cancellationToken) is not true) return 0;
        }
        try
        {
            return await SendDueAsync(connection, subscription, cancellationToken);
        }
        finally
        {
            await using var unlock = new NpgsqlCommand("select pg_advisory_unlock(hashtextextended($1, 0))", connection);
            unlock.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
            await unlock.ExecuteScalarAsync(CancellationToken.None);
        }
    }

    private async Task<int> SendDueAsync(NpgsqlConnection connection, Guid subscription, CancellationToken cancellationToken)
    {
        string url, secret;
        await using (var read = new NpgsqlCommand($"select url, secret from {schema}.webhook_subscriptions where id = $1 and deleted_at is null", connection))
        {
            read.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = subscription });
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken)) return 0;
            (url, secret) = (reader.GetString(0), reader.GetString(1));
        }
        // Read under the lock: a host that held it before has committed what it sent.
        var due = new List<Due>();
        await using (var read = new NpgsqlCommand(
            $"""
            select d.id, d.flag_id, d.kind, d.attempts, d.rounds, d.first_attempt_at, n.body
            from {schema}.webhook_deliveries d join {schema}.webhook_notifications n on n.flag_id = d.flag_id and n.kind = d.kind
            where d.subscription_id = $1 and d.state = '{WebhookOutbox.Pending}' and (d.next_attempt_at is null or d.next_attempt_at <= $2)
            order by d.seq limit 100
            """, connection))
        {
            read.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = subscription });
            read.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = time.GetUtcNow() });
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                due.Add(new Due(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.GetInt32(4),
                    reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5), reader.GetString(6)));
            }
        }
        var attempts = 0;
        foreach (var delivery in due)
        {
            var (made, delivered) = await DeliverAsync(connection, url, secret, delivery, cancellationToken);
            attempts += made;
            // The receiver is failing: leave the rest of its queue for the next pass rather than a round each now.
            if (!delivered) break;
        }
        return attempts;
    }

    private async Task<(int Attempts, bool Delivered)> DeliverAsync(
        NpgsqlConnection connection, string url, string secret, Due delivery, CancellationToken cancellationToken)
    {
        var attempt = delivery.Attempts;
        var firstAttemptAt = delivery.FirstAttemptAt ?? time.GetUtcNow();
        string? lastError = null;
        var delivered = false;
        try
        {
            using var response = await pipeline.ExecuteAsync(async token =>
            {
                attempt++;
                var at = time.GetUtcNow();
                var started = time.GetTimestamp();
                int? status = null;
                string? error = null;
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(delivery.Body, Encoding.UTF8, "application/json") };
                    request.Headers.Add(WebhookSignature.Header, WebhookSignature.Sign(secret, at.ToUnixTimeSeconds(), delivery.Body));
                    request.Headers.Add(WebhookSignature.DeliveryHeader, delivery.Id.ToString());
                    request.Headers.Add(WebhookSignature.EventHeader, $"flag.{delivery.Kind}");
                    var answer = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token);
                    status = (int)answer.StatusCode;
                    if (!answer.IsSuccessStatusCode)
                    {
                        error = status is >= 300 and < 400 ? $"answered {status}; redirects are not followed" : $"answered {status}";
                    }
                    return answer;
                }
                catch (HttpRequestException e)
                {
                    error = Describe(e);
                    throw;
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    error = $"no answer within {options.Timeout.TotalSeconds:0.###} s";
                    throw;
                }
                finally
                {
                    lastError = error;
                    await RecordAttemptAsync(connection, delivery.Id, attempt, at, status, error, time.GetElapsedTime(started), cancellationToken);
                }
            }, cancellationToken);
            delivered = response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException
                                      || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            delivered = false;
        }

        var now = time.GetUtcNow();
        var rounds = delivery.Rounds + (delivered ? 0 : 1);
        var state = delivered ? WebhookOutbox.Delivered : now - firstAttemptAt >= options.DeadAfter ? WebhookOutbox.Dead : WebhookOutbox.Pending;
        DateTimeOffset? next = state == WebhookOutbox.Pending ? now + Backoff(rounds) : null;
        await using var update = new NpgsqlCommand(
            $"""
            update {schema}.webhook_deliveries set state = $2, attempts = $3, rounds = $4, next_attempt_at = $5, first_attempt_at = coalesce(first_attempt_at, $6),
                delivered_at = $7, last_error = $8
            where id = $1
            """, connection);
        var p = update.Parameters;
        p.Add(new NpgsqlParameter<Guid> { TypedValue = delivery.Id });
        p.Add(new NpgsqlParameter<string> { TypedValue = state });
        p.Add(new NpgsqlParameter<int> { TypedValue = attempt });
        p.Add(new NpgsqlParameter<int> { TypedValue = rounds });
        p.Add(new NpgsqlParameter { Value = next is { } n ? n : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        p.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = firstAttemptAt });
        p.Add(new NpgsqlParameter { Value = delivered ? now : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        p.Add(new NpgsqlParameter { Value = delivered ? DBNull.Value : (object?)lastError ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await update.ExecuteNonQueryAsync(CancellationToken.None);
        if (state == WebhookOutbox.Dead) LogDead(logger, delivery.Id, attempt, lastError);
        return (attempt - delivery.Attempts, delivered);
    }

    /// <summary>The wait after a failed round: doubling from <see cref="WebhookOptions.RetryDelay"/>, capped, then jittered down by up to a half.</summary>
    private TimeSpan Backoff(int rounds)
    {
        var doubled = options.RetryDelay.TotalSeconds * Math.Pow(2, Math.Min(rounds - 1, 30));
        var capped = Math.Min(doubled, options.MaxRetryDelay.TotalSeconds);
        return TimeSpan.FromSeconds(capped * (0.5 + (Random.Shared.NextDouble() / 2)));
    }

    private async Task RecordAttemptAsync(NpgsqlConnection connection, Guid delivery, int attempt, DateTimeOffset at, int? status, string? error, TimeSpan took,
        CancellationToken cancellationToken)
    {
        await using var insert = new NpgsqlCommand(
            $"insert into {schema}.webhook_attempts (delivery_id, attempt, attempted_at, status_code, error, duration_ms) values ($1, $2, $3, $4, $5, $6)", connection);
        var p = insert.Parameters;
        p.Add(new NpgsqlParameter<Guid> { TypedValue = delivery });
        p.Add(new NpgsqlParameter<int> { TypedValue = attempt });
        p.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = at });
        p.Add(new NpgsqlParameter { Value = status is { } s ? s : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
        p.Add(new NpgsqlParameter { Value = (object?)error ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        p.Add(new NpgsqlParameter<int> { TypedValue = (int)Math.Min(took.TotalMilliseconds, int.MaxValue) });
        await insert.ExecuteNonQueryAsync(cancellationToken.IsCancellationRequested ? CancellationToken.None : cancellationToken);
    }

    private static string Describe(HttpRequestException e)
    {
        var message = e.Message;
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException) message = inner.Message;
        return message.Length > 500 ? message[..500] : message;
    }

    public override void Dispose()
    {
        http.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A webhook dispatch pass failed; retrying after the poll interval")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook delivery {DeliveryId} is dead after {Attempts} attempts: {Error}")]
    private static partial void LogDead(ILogger logger, Guid deliveryId, int attempts, string? error);
}
