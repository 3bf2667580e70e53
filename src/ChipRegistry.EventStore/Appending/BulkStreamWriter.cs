using Npgsql;
using NpgsqlTypes;

namespace ChipRegistry.EventStore;

/// <summary>
/// Creates many new streams in one transaction: the events go by one binary COPY straight into the events table,
/// then the streams by a second COPY from the keys remembered on the way (<see cref="CopiedStreams"/>). COPY cannot
/// resolve conflicts: a stream that exists already, or a key given twice, fails the events table's unique
/// (stream_key, version) when the copy completes. Then the copy is rolled back to a savepoint and the remembered keys
/// name every stream that exists (or the repeated ones), so the caller still gets the typed conflict with all of
/// them, never the 23505. The conflicting call has drawn sequence numbers it never commits: the daemon's mark
/// passes such gaps once the transaction has ended (its xid is declared before the first number is drawn). Bulk calls
/// on one store run one at a time (a transaction advisory lock), so a refusal always meets committed streams.
/// </summary>
internal sealed class BulkStreamWriter(StoreContext context)
{
    private const string Keys = "event_store_new_keys";
    private const string CopySavepoint = "copy_new_streams";
    private const int ProjectionPage = 10_000;

    private string Schema => context.Schema.Quoted;

    public async Task<BulkAppendResult> StartStreamsAsync(string? streamType, IAsyncEnumerable<NewStream> streams, AppendMetadata metadata, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(streams);
        ArgumentNullException.ThrowIfNull(metadata);
        metadata.Validate();
        var held = metadata.IdempotencyKey is null ? null : metadata.ResponseCommit;
        var connection = await context.DataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken);
            try
            {
                var result = await StartStreamsAsync(connection, transaction, streamType, streams, metadata, cancellationToken);
                if (result.Replayed)
                {
                    await transaction.RollbackAsync(cancellationToken);
                }
                else if (held is not null && result.StreamCount > 0)
                {
                    held.Hold(context, connection, transaction, metadata);
                }
                else
                {
                    await transaction.CommitAsync(cancellationToken);
                }
                return result;
            }
            finally
            {
                if (held?.Holds(connection) != true)
                {
                    await transaction.DisposeAsync();
                }
            }
        }
        catch (PostgresException e) when (PostgresErrors.IsTransient(e))
        {
            throw PostgresErrors.Transient(e);
        }
        finally
        {
            // An append waiting for its response (ResponseCommit) keeps its connection until that commits.
            if (held?.Holds(connection) != true)
            {
                await connection.DisposeAsync();
            }
        }
    }

    private async Task<BulkAppendResult> StartStreamsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string? streamType, IAsyncEnumerable<NewStream> streams, AppendMetadata metadata, CancellationToken cancellationToken)
    {
        using var copied = new CopiedStreams(streamType, hashed: metadata.IdempotencyKey is not null && metadata.RequestHash is null);
        // Bulk calls take turns: two overlapping copies in different orders would deadlock, and the victim could
        // not name the streams the survivor is still creating (it would probe before they exist). In turn, the later
        // call meets the earlier's committed streams and names them. Then, as every append does, the call declares its
        // xid before it draws sequence numbers (the daemon's gap rule): a call waiting its turn holds no xid.
        await using (var turn = new NpgsqlCommand("select pg_advisory_xact_lock(hashtextextended($1 || '.bulk-streams', 0))", connection, transaction))
        {
            turn.Parameters.Add(new NpgsqlParameter<string> { TypedValue = context.Schema.Value });
            await turn.ExecuteNonQueryAsync(cancellationToken);
        }
        await ExecuteAsync(connection, transaction, $"select pg_current_xact_id(); savepoint {CopySavepoint}", cancellationToken);
        var refused = await CopyEventsAsync(connection, streams, copied, metadata, cancellationToken);
        if (copied.StreamCount == 0)
        {
            return new BulkAppendResult(0, 0, Replayed: false);
        }

        refused ??= await CreateStreamsAsync(connection, streamType, copied, cancellationToken);
        if (refused is not null)
        {
            await transaction.RollbackAsync(CopySavepoint, cancellationToken);
        }
        if (metadata.IdempotencyKey is not null)
        {
            // After the copy: the hash needs the whole input. A retry of a committed call meets its own streams,
            // and the claim, not the conflict, answers it.
            var replay = await ClaimAsync(connection, transaction, metadata, metadata.RequestHash ?? copied.FinishHash()!, cancellationToken);
            if (replay is not null)
            {
                return replay;
            }
        }
        if (refused is not null)
        {
            throw await RefusalAsync(connection, transaction, streamType, copied, refused, cancellationToken);
        }

        if (context.Projections.Count > 0)
        {
            await ProjectAsync(connection, transaction, copied, cancellationToken);
        }

        await using var finish = new NpgsqlBatch(connection, transaction);
        if (metadata.IdempotencyKey is not null)
        {
            var save = new NpgsqlBatchCommand(
                $"update {Schema}.idempotency_keys set result = jsonb_build_object('streams', $3::bigint, 'events', $4::bigint) where organisation = $1 and key = $2");
            save.Parameters.Add(new NpgsqlParameter<string> { TypedValue = metadata.ActingOrganisation });
            save.Parameters.Add(new NpgsqlParameter<string> { TypedValue = metadata.IdempotencyKey });
            save.Parameters.Add(new NpgsqlParameter<long> { TypedValue = copied.StreamCount });
            save.Parameters.Add(new NpgsqlParameter<long> { TypedValue = copied.EventCount });
            finish.BatchCommands.Add(save);
        }
        if (context.TakeNotifyChannel() is { } channel)
        {
            var notify = new NpgsqlBatchCommand("select pg_notify($1, '')");
            notify.Parameters.Add(new NpgsqlParameter<string> { TypedValue = channel });
            finish.BatchCommands.Add(notify);
        }
        if (finish.BatchCommands.Count > 0)
        {
            await finish.ExecuteNonQueryAsync(cancellationToken);
        }
        return new BulkAppendResult(copied.StreamCount, copied.EventCount, Replayed: false);
    }

    /// <summary>
    /// Copies every event of the input into the events table, remembering each stream's key. A refusal by the server
    /// (a unique violation, or a deadlock with an overlapping call) is returned, not thrown, after the rest of the
    /// input has been read too, so the keys (and the request's hash) are complete for the answer.
    /// </summary>
    private async Task<PostgresException?> CopyEventsAsync(NpgsqlConnection connection, IAsyncEnumerable<NewStream> streams, CopiedStreams copied, AppendMetadata metadata, CancellationToken cancellationToken)
    {
        var serializer = context.Serializer;
        await using var input = streams.GetAsyncEnumerator(cancellationToken);
        try
        {
            await using var writer = await connection.BeginBinaryImportAsync(
                $"""
                copy {Schema}.events (event_id, stream_key, version, type, data, occurred_at, correlation_id, causation_id, acting_organisation, idempotency_key)
                from stdin (format binary)
                """, cancellationToken);
            while (await input.MoveNextAsync())
            {
                var stream = input.Current;
                copied.Add(stream, serializer, out var rows);
                for (var i = 0; i < rows.Length; i++)
                {
                    await writer.StartRowAsync(cancellationToken);
                    await writer.WriteAsync(rows[i].EventId, NpgsqlDbType.Uuid, cancellationToken);
                    await writer.WriteAsync(stream.StreamKey, NpgsqlDbType.Text, cancellationToken);
                    await writer.WriteAsync(i + 1L, NpgsqlDbType.Bigint, cancellationToken);
                    await writer.WriteAsync(rows[i].Type, NpgsqlDbType.Text, cancellationToken);
                    await writer.WriteAsync(rows[i].Data, NpgsqlDbType.Jsonb, cancellationToken);
                    await writer.WriteAsync(rows[i].OccurredAt, NpgsqlDbType.TimestampTz, cancellationToken);
                    await WriteTextAsync(writer, metadata.CorrelationId, cancellationToken);
                    await WriteTextAsync(writer, metadata.CausationId, cancellationToken);
                    await writer.WriteAsync(metadata.ActingOrganisation, NpgsqlDbType.Text, cancellationToken);
                    await WriteTextAsync(writer, metadata.IdempotencyKey, cancellationToken);
                }
            }
            await writer.CompleteAsync(cancellationToken);
            return null;
        }
        catch (PostgresException e) when (IsRefusal(e))
        {
            while (await input.MoveNextAsync())
            {
                copied.Add(input.Current, serializer, out _);
            }
            return e;
        }
    }

    /// <summary>The streams of the copied events, from the remembered keys; a refusal is returned as by the events' copy.</summary>
    private async Task<PostgresException?> CreateStreamsAsync(NpgsqlConnection connection, string? streamType, CopiedStreams copied, CancellationToken cancellationToken)
    {
        try
        {
            await using var writer = await connection.BeginBinaryImportAsync(
                $"copy {Schema}.streams (key, type, version) from stdin (format binary)", cancellationToken);
            for (var i = 0; i < copied.StreamCount; i++)
            {
                await writer.StartRowAsync(cancellationToken);
                await writer.WriteAsync(copied.Keys[i], NpgsqlDbType.Text, cancellationToken);
                await WriteTextAsync(writer, streamType, cancellationToken);
                await writer.WriteAsync(copied.Versions[i], NpgsqlDbType.Bigint, cancellationToken);
            }
            await writer.CompleteAsync(cancellationToken);
            return null;
        }
        catch (PostgresException e) when (IsRefusal(e))
        {
            return e;
        }
    }

    /// <summary>
    /// Why the copy was refused, from the remembered keys (the events are gone): keys given more than once, else every
    /// stream that exists, found by an insert that skips them (it waits for an overlapping call to end, so a deadlock's
    /// survivor is named once it commits). Neither means the refusal was a deadlock with a call that did not commit:
    /// retryable.
    /// </summary>
    private async Task<Exception> RefusalAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string? streamType, CopiedStreams copied, PostgresException refused, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, transaction,
            $"set local work_mem = '256MB'; create temporary table {Keys} (stream_key text not null, events bigint not null) on commit drop", cancellationToken);
        await using (var writer = await connection.BeginBinaryImportAsync($"copy {Keys} (stream_key, events) from stdin (format binary)", cancellationToken))
        {
            for (var i = 0; i < copied.StreamCount; i++)
            {
                await writer.StartRowAsync(cancellationToken);
                await writer.WriteAsync(copied.Keys[i], NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(copied.Versions[i], NpgsqlDbType.Bigint, cancellationToken);
            }
            await writer.CompleteAsync(cancellationToken);
        }

        await using (var repeated = new NpgsqlCommand($"select stream_key from {Keys} group by stream_key having count(*) > 1 order by 1 limit 1", connection, transaction))
        {
            if (await repeated.ExecuteScalarAsync(cancellationToken) is string key)
            {
                return new ArgumentException($"A bulk append names a stream more than once, e.g. '{key}'.");
            }
        }

        await using var create = new NpgsqlCommand(
            $"""
            with created as (
                insert into {Schema}.streams (key, type, version, created_at, updated_at)
                select k.stream_key, $1, k.events, now(), now()
                from {Keys} k
                order by k.stream_key
                on conflict (key) do nothing
                returning key)
            select k.stream_key
            from {Keys} k
            where not exists (select from created c where c.key = k.stream_key)
            order by 1
            """, connection, transaction);
        create.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)streamType ?? DBNull.Value });
        var existing = new List<string>();
        await using (var reader = await create.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                existing.Add(reader.GetString(0));
            }
        }
        if (existing.Count == 0)
        {
            return PostgresErrors.Transient(refused);
        }
        var actual = await StreamVersions.ReadAsync(connection, transaction, context.Schema, [.. existing], cancellationToken);
        return new StreamVersionConflictException(
            [.. existing.Select(key => new StreamVersionConflict(key, ExpectedVersion.NoStream, actual.GetValueOrDefault(key)))]);
    }

    private async Task<BulkAppendResult?> ClaimAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, AppendMetadata metadata, byte[] hash, CancellationToken cancellationToken)
    {
        await using var claim = new NpgsqlCommand(
            $"select claim_status, claim_result->>'streams', claim_result->>'events' from {Schema}.claim_idempotency_key($1, $2, $3)", connection, transaction);
        claim.Parameters.Add(new NpgsqlParameter<string> { TypedValue = metadata.ActingOrganisation });
        claim.Parameters.Add(new NpgsqlParameter<string> { TypedValue = metadata.IdempotencyKey! });
        claim.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = hash });
        await using var reader = await claim.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return reader.GetString(0) switch
        {
            "claimed" => null,
            "replayed" when !reader.IsDBNull(1) && !reader.IsDBNull(2) => new BulkAppendResult(
                long.Parse(reader.GetString(1), System.Globalization.CultureInfo.InvariantCulture),
                long.Parse(reader.GetString(2), System.Globalization.CultureInfo.InvariantCulture),
                Replayed: true),
            _ => throw new IdempotencyKeyReusedException(metadata.ActingOrganisation, metadata.IdempotencyKey!),
        };
    }

    /// <summary>
    /// Inline projections see the events as stored, read back by their streams' keys in pages (in input order, which
    /// is sequence order), so a 100,000-stream call never holds all its events in memory at once.
    /// </summary>
    private async Task ProjectAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CopiedStreams copied, CancellationToken cancellationToken)
    {
        var reader = new EventReader(context);
        for (var from = 0; from < copied.StreamCount; from += ProjectionPage)
        {
            var page = copied.Keys.Skip(from).Take(ProjectionPage).ToArray();
            await using var command = new NpgsqlCommand(
                $"select {EventReader.Columns("e")} from {Schema}.events e where e.stream_key = any ($1) order by e.seq_id", connection, transaction);
            command.Parameters.Add(new NpgsqlParameter<string[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = page });
            var events = await reader.ReadAsync(command, cancellationToken);
            await context.RunProjectionsAsync(connection, transaction, events, cancellationToken);
        }
    }

    /// <summary>What the server answers when the copied rows meet existing ones, or an overlapping call's in the other order.</summary>
    private static bool IsRefusal(PostgresException e) => e.SqlState is PostgresErrors.UniqueViolation or PostgresErrors.DeadlockDetected;

    private static Task WriteTextAsync(NpgsqlBinaryImporter writer, string? value, CancellationToken cancellationToken) =>
        value is null ? writer.WriteNullAsync(cancellationToken) : writer.WriteAsync(value, NpgsqlDbType.Text, cancellationToken);

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
