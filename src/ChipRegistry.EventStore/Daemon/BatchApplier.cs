using Npgsql;

namespace ChipRegistry.EventStore;

/// <summary>An event that failed to apply.</summary>
internal sealed record FailedEvent(long SeqId, Guid EventId, string Error);

/// <summary>
/// What a batch did: the checkpoint it reached (below a halting event under
/// <see cref="DeadLetterPolicy.Halt"/>), how many events it applied, and the events that failed.
/// </summary>
internal sealed record BatchOutcome(long Through, int Applied, IReadOnlyList<FailedEvent> Failed, FailedEvent? HaltedAt);

/// <summary>
/// Applies one range of events to one projection inside the caller's transaction. The whole
/// range goes in one call under a savepoint; if that throws, the range is rolled back and
/// replayed one event per savepoint to find the failing events, which the policy then either
/// passes (continue) or stops just below (halt).
/// </summary>
internal sealed class BatchApplier(StoreContext context)
{
    private readonly EventReader reader = new(context);

    public async Task<BatchOutcome> ApplyAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        AsyncProjectionRegistration registration,
        IReadOnlyDictionary<string, string> tables,
        long after,
        long through,
        bool rebuilding,
        CancellationToken cancellationToken)
    {
        var projection = registration.Projection;
        var events = projection.ReadsEvents ? await ReadEventsAsync(connection, transaction, after, through, cancellationToken) : [];
        await transaction.SaveAsync("batch", cancellationToken);
        try
        {
            await projection.ApplyAsync(new AsyncProjectionBatch(connection, transaction, context.Schema, tables, after, through, events, rebuilding), cancellationToken);
            await transaction.ReleaseAsync("batch", cancellationToken);
            return new BatchOutcome(through, projection.ReadsEvents ? events.Count : await CountBelowMarkAsync(connection, transaction, after, through, cancellationToken), [], null);
        }
        catch (Exception e) when (!FailsTheBatch(e, cancellationToken))
        {
            await transaction.RollbackAsync("batch", cancellationToken);
        }

        var singles = projection.ReadsEvents
            ? events
            : await ReadKeysAsync(connection, transaction, after, through, cancellationToken);
        var failed = new List<FailedEvent>();
        var applied = 0;
        var position = after;
        foreach (var e in singles)
        {
            await transaction.SaveAsync("event", cancellationToken);
            try
            {
                IReadOnlyList<StoredEvent> one = projection.ReadsEvents ? [e] : [];
                await projection.ApplyAsync(new AsyncProjectionBatch(connection, transaction, context.Schema, tables, position, e.SeqId, one, rebuilding), cancellationToken);
                await transaction.ReleaseAsync("event", cancellationToken);
                applied++;
            }
            catch (Exception error) when (!FailsTheBatch(error, cancellationToken))
            {
                await transaction.RollbackAsync("event", cancellationToken);
                var failure = new FailedEvent(e.SeqId, e.EventId, error.ToString());
                failed.Add(failure);
                if (registration.OnFailure == DeadLetterPolicy.Halt)
                {
                    return new BatchOutcome(e.SeqId - 1, applied, failed, failure);
                }
            }
            position = e.SeqId;
        }
        return new BatchOutcome(through, applied, failed, null);
    }

    /// <summary>
    /// Not the event's fault: cancellation, a lost connection, a deadlock or serialization
    /// failure. These fail the whole batch (the runner retries it) instead of dead-lettering.
    /// </summary>
    internal static bool FailsTheBatch(Exception e, CancellationToken cancellationToken) =>
        (e is OperationCanceledException && cancellationToken.IsCancellationRequested)
        || e is PostgresException { IsTransient: true } || (e is NpgsqlException and not PostgresException)
        || (e is PostgresException p && PostgresErrors.IsTransient(p));

    private async Task<IReadOnlyList<StoredEvent>> ReadEventsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long after, long through, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"select {EventReader.Columns("e")} from {context.Schema.Quoted}.events e where e.seq_id > $1 and e.seq_id <= $2 order by e.seq_id",
            connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = after });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = through });
        return await reader.ReadAsync(command, cancellationToken);
    }

    /// <summary>Sequence numbers and ids only, for isolating a failure in a projection that reads no events.</summary>
    private async Task<IReadOnlyList<StoredEvent>> ReadKeysAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long after, long through, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"select seq_id, event_id, stream_key, version, type from {context.Schema.Quoted}.events where seq_id > $1 and seq_id <= $2 order by seq_id",
            connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = after });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = through });
        var keys = new List<StoredEvent>();
        await using var rows = await command.ExecuteReaderAsync(cancellationToken);
        while (await rows.ReadAsync(cancellationToken))
        {
            keys.Add(new StoredEvent(rows.GetInt64(0), rows.GetGuid(1), rows.GetString(2), rows.GetInt64(3), rows.GetString(4), Data: string.Empty,
                default, default, string.Empty, null, null, null));
        }
        return keys;
    }

    /// <summary>
    /// How many events (after, through] holds, for a projection that read none of them. The range
    /// lies at or below the high-water mark, and the mark passes only contiguous runs of committed
    /// events or holes it proved empty and recorded in skipped_gaps; so the count is the span less
    /// those holes, read from that small table instead of scanning the range's events a second time.
    /// </summary>
    internal async Task<int> CountBelowMarkAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long after, long through, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"""
            select ($2 - $1 - coalesce(sum(least(g.to_seq_id, $2) - greatest(g.from_seq_id, $1 + 1) + 1), 0))::int
            from {context.Schema.Quoted}.skipped_gaps g
            where g.from_seq_id <= $2 and g.to_seq_id > $1
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = after });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = through });
        return (int)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Records failures in dead_letters: a repeat failure of the same event counts another attempt.</summary>
    public async Task RecordDeadLettersAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string projection, IReadOnlyList<FailedEvent> failed, CancellationToken cancellationToken)
    {
        if (failed.Count == 0)
        {
            return;
        }
        await using var command = new NpgsqlCommand(
            $"""
            with failed as (
                select * from unnest($2::bigint[], $3::uuid[], $4::text[]) as f(seq_id, event_id, error)),
            repeated as (
                update {context.Schema.Quoted}.dead_letters d
                set attempts = d.attempts + 1, error = f.error, failed_at = now()
                from failed f
                where d.projection = $1 and d.seq_id = f.seq_id
                returning d.seq_id)
            insert into {context.Schema.Quoted}.dead_letters (projection, seq_id, event_id, error)
            select $1, f.seq_id, f.event_id, f.error
            from failed f
            where f.seq_id not in (select r.seq_id from repeated r)
            """, connection, transaction);
        AddFailures(command, projection, failed);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// After a rebuild replayed every event: the projection's dead letters become exactly the
    /// events that failed again (attempts counted on), and those that applied are cleared.
    /// </summary>
    public async Task ReplaceDeadLettersAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string projection, IReadOnlyList<FailedEvent> failed, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"""
            with previous as (
                delete from {context.Schema.Quoted}.dead_letters d where d.projection = $1
                returning d.seq_id, d.attempts)
            insert into {context.Schema.Quoted}.dead_letters (projection, seq_id, event_id, error, attempts)
            select $1, f.seq_id, f.event_id, f.error,
                   coalesce((select max(p.attempts) from previous p where p.seq_id = f.seq_id), 0) + 1
            from unnest($2::bigint[], $3::uuid[], $4::text[]) as f(seq_id, event_id, error)
            """, connection, transaction);
        AddFailures(command, projection, failed);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void AddFailures(NpgsqlCommand command, string projection, IReadOnlyList<FailedEvent> failed)
    {
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = projection });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. failed.Select(f => f.SeqId)] });
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. failed.Select(f => f.EventId)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. failed.Select(f => f.Error)] });
    }
}
