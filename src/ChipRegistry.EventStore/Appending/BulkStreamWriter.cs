using Npgsql;
using NpgsqlTypes;

namespace ChipRegistry.EventStore;

/// <summary>
/// Creates many new streams in one transaction. COPY cannot resolve conflicts, so the events go
/// by binary COPY into a temporary staging table, then one set-based insert creates the streams
/// and detects those that already existed; only when there are none are the events moved into
/// the events table, by one INSERT ... SELECT.
/// </summary>
internal sealed class BulkStreamWriter(StoreContext context)
{
    private const string Stage = "event_store_stage";
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
        // work_mem for this transaction only: grouping and sorting 100,000 stream keys in memory
        // instead of spilling to disk at the default 4MB.
        await ExecuteAsync(connection, transaction,
            $"""
            set local work_mem = '256MB';
            create temporary table {Stage} (
                ordinal     bigint      not null,
                stream_key  text        not null,
                version     bigint      not null,
                event_id    uuid        not null,
                type        text        not null,
                data        jsonb       not null,
                occurred_at timestamptz not null
            ) on commit drop
            """, cancellationToken);

        var (streamCount, eventCount, hash) = await CopyIntoStageAsync(connection, streamType, streams, metadata, cancellationToken);
        if (streamCount == 0)
        {
            return new BulkAppendResult(0, 0, Replayed: false);
        }

        if (metadata.IdempotencyKey is not null)
        {
            var replay = await ClaimAsync(connection, transaction, metadata, metadata.RequestHash ?? hash!, cancellationToken);
            if (replay is not null)
            {
                return replay;
            }
        }

        await CreateStreamsAsync(connection, transaction, streamType, oneEventEach: streamCount == eventCount, cancellationToken);
        await InsertEventsAsync(connection, transaction, metadata, cancellationToken);
        if (context.Projections.Count > 0)
        {
            await ProjectAsync(connection, transaction, eventCount, cancellationToken);
        }

        await using var finish = new NpgsqlBatch(connection, transaction);
        if (metadata.IdempotencyKey is not null)
        {
            var save = new NpgsqlBatchCommand(
                $"update {Schema}.idempotency_keys set result = jsonb_build_object('streams', $3::bigint, 'events', $4::bigint) where organisation = $1 and key = $2");
            save.Parameters.Add(new NpgsqlParameter<string> { TypedValue = metadata.ActingOrganisation });
            save.Parameters.Add(new NpgsqlParameter<string> { TypedValue = metadata.IdempotencyKey });
            save.Parameters.Add(new NpgsqlParameter<long> { TypedValue = streamCount });
            save.Parameters.Add(new NpgsqlParameter<long> { TypedValue = eventCount });
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
        return new BulkAppendResult(streamCount, eventCount, Replayed: false);
    }

    private async Task<(long Streams, long Events, byte[]? Hash)> CopyIntoStageAsync(NpgsqlConnection connection, string? streamType, IAsyncEnumerable<NewStream> streams, AppendMetadata metadata, CancellationToken cancellationToken)
    {
        using var hash = metadata.IdempotencyKey is not null && metadata.RequestHash is null ? new RequestHash() : null;
        hash?.Add(streamType);
        long streamNo = 0, ordinal = 0;
        var serializer = context.Serializer;
        await using (var writer = await connection.BeginBinaryImportAsync(
            $"copy {Stage} (ordinal, stream_key, version, event_id, type, data, occurred_at) from stdin (format binary)", cancellationToken))
        {
            await foreach (var stream in streams.WithCancellation(cancellationToken))
            {
                ArgumentNullException.ThrowIfNull(stream);
                if (string.IsNullOrEmpty(stream.StreamKey) || stream.Events is not { Count: > 0 })
                {
                    throw new ArgumentException($"A new stream needs a key and at least one event (stream #{streamNo + 1}).", nameof(streams));
                }
                streamNo++;
                hash?.Add(stream.StreamKey);
                long version = 0;
                foreach (var e in stream.Events)
                {
                    var type = serializer.TypeNameOf(e.Data);
                    var data = serializer.Serialize(e.Data);
                    var occurred = PostgresTime.Truncate(e.OccurredAt);
                    hash?.Add(type);
                    hash?.Add(data);
                    hash?.Add(occurred);
                    await writer.StartRowAsync(cancellationToken);
                    await writer.WriteAsync(++ordinal, NpgsqlDbType.Bigint, cancellationToken);
                    await writer.WriteAsync(stream.StreamKey, NpgsqlDbType.Text, cancellationToken);
                    await writer.WriteAsync(++version, NpgsqlDbType.Bigint, cancellationToken);
                    await writer.WriteAsync(e.EventId ?? Guid.CreateVersion7(), NpgsqlDbType.Uuid, cancellationToken);
                    await writer.WriteAsync(type, NpgsqlDbType.Text, cancellationToken);
                    await writer.WriteAsync(data, NpgsqlDbType.Jsonb, cancellationToken);
                    await writer.WriteAsync(occurred, NpgsqlDbType.TimestampTz, cancellationToken);
                }
            }
            await writer.CompleteAsync(cancellationToken);
        }
        return (streamNo, ordinal, hash?.Finish());
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
    /// Creates the staged streams in key order, so two overlapping batches queue on their first
    /// shared key instead of deadlocking. The usual case, no stream exists yet, is one plain
    /// INSERT ... SELECT: an ON CONFLICT insert costs a speculative-insertion lock per row, three
    /// times the plain insert for 100,000 streams. When the plain insert meets an existing
    /// stream (unique violation of this statement, whose meaning we know without reading the
    /// message), it is rolled back to a savepoint and the ON CONFLICT DO NOTHING RETURNING insert
    /// names every existing stream; the caller gets the typed conflict, never the 23505.
    /// </summary>
    private async Task CreateStreamsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string? streamType, bool oneEventEach, CancellationToken cancellationToken)
    {
        if (oneEventEach && await TryCreateOneEventStreamsAsync(connection, transaction, streamType, cancellationToken))
        {
            return;
        }
        const string savepoint = "create_streams";
        await transaction.SaveAsync(savepoint, cancellationToken);
        try
        {
            await using var batch = new NpgsqlBatch(connection, transaction);
            // Every append declares its xid before it draws sequence numbers (the daemon's gap rule).
            batch.BatchCommands.Add(new NpgsqlBatchCommand("select pg_current_xact_id()"));
            var create = new NpgsqlBatchCommand(
                $"""
                with grouped as materialized (
                    select stream_key, count(*) as events, max(version) as version
                    from {Stage}
                    group by stream_key),
                created as (
                    insert into {Schema}.streams (key, type, version, created_at, updated_at)
                    select g.stream_key, $1, g.events, now(), now()
                    from grouped g
                    where g.events = g.version
                    order by g.stream_key)
                select stream_key from grouped where events <> version order by 1
                """);
            create.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)streamType ?? DBNull.Value });
            batch.BatchCommands.Add(create);
            var duplicated = new List<string>();
            await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
            {
                await reader.NextResultAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    duplicated.Add(reader.GetString(0));
                }
            }
            if (duplicated.Count > 0)
            {
                // Each of a stream's NewStream entries numbers its events from 1, so a key given
                // twice has more events than its highest version.
                throw new ArgumentException($"A bulk append names {duplicated.Count} stream(s) more than once, e.g. '{duplicated[0]}'.");
            }
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrors.UniqueViolation)
        {
            await transaction.RollbackAsync(savepoint, cancellationToken);
            throw await NameExistingStreamsAsync(connection, transaction, streamType, cancellationToken);
        }
    }

    /// <summary>
    /// The usual lot: one event per new stream, so every version is 1 and no grouping is needed
    /// (it was about a quarter of the store's server time for a 100,000-stream call). A key
    /// given twice or one that exists already fails the primary key: then this is rolled back and
    /// the general statement runs, which tells the two apart. False means it did not apply.
    /// </summary>
    private async Task<bool> TryCreateOneEventStreamsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string? streamType, CancellationToken cancellationToken)
    {
        const string savepoint = "create_one_event_streams";
        await transaction.SaveAsync(savepoint, cancellationToken);
        try
        {
            await using var batch = new NpgsqlBatch(connection, transaction);
            // Every append declares its xid before it draws sequence numbers (the daemon's gap rule).
            batch.BatchCommands.Add(new NpgsqlBatchCommand("select pg_current_xact_id()"));
            var create = new NpgsqlBatchCommand(
                $"""
                insert into {Schema}.streams (key, type, version, created_at, updated_at)
                select s.stream_key, $1, 1, now(), now()
                from {Stage} s
                order by s.stream_key
                """);
            create.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)streamType ?? DBNull.Value });
            batch.BatchCommands.Add(create);
            await batch.ExecuteNonQueryAsync(cancellationToken);
            await transaction.ReleaseAsync(savepoint, cancellationToken);
            return true;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrors.UniqueViolation)
        {
            await transaction.RollbackAsync(savepoint, cancellationToken);
            return false;
        }
    }

    /// <summary>The exact, slower form: ON CONFLICT DO NOTHING RETURNING key; keys missing from the result exist.</summary>
    private async Task<StreamVersionConflictException> NameExistingStreamsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string? streamType, CancellationToken cancellationToken)
    {
        await using var create = new NpgsqlCommand(
            $"""
            with grouped as materialized (
                select stream_key, count(*) as events
                from {Stage}
                group by stream_key),
            created as (
                insert into {Schema}.streams (key, type, version, created_at, updated_at)
                select g.stream_key, $1, g.events, now(), now()
                from grouped g
                order by g.stream_key
                on conflict (key) do nothing
                returning key)
            select g.stream_key
            from grouped g
            where not exists (select from created c where c.key = g.stream_key)
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
        var actual = await StreamVersions.ReadAsync(connection, transaction, context.Schema, [.. existing], cancellationToken);
        return new StreamVersionConflictException(
            [.. existing.Select(key => new StreamVersionConflict(key, ExpectedVersion.NoStream, actual.GetValueOrDefault(key)))]);
    }

    private async Task InsertEventsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, AppendMetadata metadata, CancellationToken cancellationToken)
    {
        await using var insert = new NpgsqlCommand(
            $"""
            insert into {Schema}.events (event_id, stream_key, version, type, data, occurred_at, correlation_id, causation_id, acting_organisation, idempotency_key)
            select event_id, stream_key, version, type, data, occurred_at, $1, $2, $3, $4
            from {Stage}
            """, connection, transaction);
        insert.Parameters.Add(Text(metadata.CorrelationId));
        insert.Parameters.Add(Text(metadata.CausationId));
        insert.Parameters.Add(Text(metadata.ActingOrganisation));
        insert.Parameters.Add(Text(metadata.IdempotencyKey));
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Inline projections see the events as stored, read back through the unique index in pages,
    /// so a 100,000-stream call never holds all its events in memory at once.
    /// </summary>
    private async Task ProjectAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long eventCount, CancellationToken cancellationToken)
    {
        var reader = new EventReader(context);
        for (long from = 1; from <= eventCount; from += ProjectionPage)
        {
            await using var page = new NpgsqlCommand(
                $"""
                select {EventReader.Columns("e")}
                from {Stage} s
                join {Schema}.events e on e.stream_key = s.stream_key and e.version = s.version
                where s.ordinal >= $1 and s.ordinal < $2
                order by s.ordinal
                """, connection, transaction);
            page.Parameters.Add(new NpgsqlParameter<long> { TypedValue = from });
            page.Parameters.Add(new NpgsqlParameter<long> { TypedValue = from + ProjectionPage });
            var events = await reader.ReadAsync(page, cancellationToken);
            await context.RunProjectionsAsync(connection, transaction, events, cancellationToken);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static NpgsqlParameter Text(string? value) => new() { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)value ?? DBNull.Value };
}
