using System.Text.Json;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace ChipRegistry.EventStore;

/// <summary>
/// Appends to one or many existing-or-new streams through the schema's append_to_stream (one
/// stream) or append_events (many) function: one round trip when no inline projection runs (the
/// function checks, draws numbers and inserts in one call), otherwise one round trip plus the
/// projections' own, then commit.
/// </summary>
internal sealed class StreamAppender(StoreContext context)
{
    private readonly string multiSql =
        $"select append_status, stream_versions, conflict_streams, seq_ids, recorded, replay from {context.Schema.Quoted}.append_events($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)";

    private readonly string singleSql =
        $"select append_status, stream_version, seq_ids, recorded, replay from {context.Schema.Quoted}.append_to_stream($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";

    private readonly Dictionary<(long, bool, bool), string> quickSql = (
            from e in new[] { ExpectedVersion.Any, ExpectedVersion.NoStream, ExpectedVersion.Exactly(1) }
            from one in new[] { true, false }
            from notify in new[] { true, false }
            select (e, one, notify))
        .ToDictionary(k => (Math.Min(k.e.Encoded, 1), k.one, k.notify), k => QuickAppendSql.For(context.Schema, k.e, k.one, k.notify));

    public async Task<AppendResult> AppendAsync(IReadOnlyList<StreamAppend> appends, AppendMetadata metadata, CancellationToken cancellationToken)
    {
        var request = Request.Build(appends, metadata, context.Serializer);
        var connection = await context.DataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            return await AppendAsync(connection, request, metadata, SnapshotsOf(appends), cancellationToken);
        }
        catch (PostgresException e) when (PostgresErrors.IsTransient(e))
        {
            throw PostgresErrors.Transient(e);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrors.UniqueViolation)
        {
            // The function checks versions under row locks before inserting, so this should not
            // happen; if it ever does, the caller still gets the typed conflict, not the raw error.
            throw await ConflictFromCurrentVersionsAsync(appends, cancellationToken);
        }
        finally
        {
            // An append waiting for its response (ResponseCommit) keeps its connection until that commits.
            if (metadata.ResponseCommit?.Holds(connection) != true)
            {
                await connection.DisposeAsync();
            }
        }
    }

    /// <summary>The snapshots lent with appends at an exact expected version, by stream key.</summary>
    private static Dictionary<string, object>? SnapshotsOf(IReadOnlyList<StreamAppend> appends)
    {
        Dictionary<string, object>? snapshots = null;
        foreach (var append in appends)
        {
            if (append.Snapshot is { } snapshot && append.Expected.Encoded > 0)
            {
                (snapshots ??= new Dictionary<string, object>(StringComparer.Ordinal))[append.StreamKey] = snapshot;
            }
        }
        return snapshots;
    }

    private async Task<AppendResult> AppendAsync(
        NpgsqlConnection connection, Request request, AppendMetadata metadata, IReadOnlyDictionary<string, object>? snapshots, CancellationToken cancellationToken)
    {
        var held = metadata.IdempotencyKey is null ? null : metadata.ResponseCommit;
        var fused = held is null ? Fusable(request, metadata, snapshots) : null;
        var transaction = fused is null && (context.Projections.Count > 0 || held is not null) ? await connection.BeginTransactionAsync(cancellationToken) : null;
        try
        {
            return await AppendAsync(connection, transaction, held, request, metadata, snapshots, fused, cancellationToken);
        }
        finally
        {
            if (transaction is not null && held?.Holds(connection) != true)
            {
                await transaction.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// The inline projections' writes for a one-stream append, when every projection can put them into the append's
    /// statement (<see cref="IFusedInlineProjection"/>); null when any of them must run after it, in a transaction.
    /// The versions the events will get are known only with an exact expected version or a new stream.
    /// </summary>
    private FusedWrites? Fusable(Request request, AppendMetadata metadata, IReadOnlyDictionary<string, object>? snapshots)
    {
        if (context.Projections.Count == 0 || request.StreamKeys.Length != 1 || metadata.IdempotencyKey is not null || request.Expected[0] < 0
            || !context.Projections.All(p => p is IFusedInlineProjection))
        {
            return null;
        }
        var key = request.StreamKeys[0];
        var events = new StoredEvent[request.Events.Length];
        for (var i = 0; i < events.Length; i++)
        {
            events[i] = new StoredEvent(0, request.EventIds[i], key, request.Expected[0] + i + 1, request.EventTypes[i], request.Events[i].Data,
                request.OccurredAt[i], default, metadata.ActingOrganisation, metadata.CorrelationId, metadata.CausationId, null);
        }
        var snapshot = snapshots?.GetValueOrDefault(key);
        var statements = new List<string>();
        var parameters = new List<NpgsqlParameter>();
        foreach (var projection in context.Projections.Cast<IFusedInlineProjection>())
        {
            // The quick append's own parameters are $1-$11; the channel, if any, comes after the projections'.
            if (projection.Fuse(context.Schema, events, snapshot, QuickAppendSql.Parameters + 1 + parameters.Count) is not { } writes)
            {
                return null;
            }
            statements.AddRange(writes.Statements);
            parameters.AddRange(writes.Parameters);
        }
        return new FusedWrites(statements, parameters);
    }

    private async Task<AppendResult> AppendAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, ResponseCommit? held, Request request, AppendMetadata metadata,
        IReadOnlyDictionary<string, object>? snapshots, FusedWrites? fused, CancellationToken cancellationToken)
    {
        var (status, versions, conflicting, seqIds, recorded, replay) = request.StreamKeys.Length == 1 && metadata.IdempotencyKey is null
            ? await QuickAsync(connection, transaction, request, metadata, fused, cancellationToken)
            : await CallFunctionAsync(connection, transaction, request, metadata, cancellationToken);

        switch (status)
        {
            case "appended":
                var result = new AppendResult(
                    [.. request.StreamKeys.Select((key, i) => new AppendedStream(key, versions![i]))],
                    seqIds!,
                    Replayed: false);
                if (transaction is not null)
                {
                    await context.RunProjectionsAsync(connection, transaction, request.ToStoredEvents(result, recorded, metadata), cancellationToken, snapshots);
                    if (held is not null)
                    {
                        held.Hold(context, connection, transaction, metadata);
                    }
                    else
                    {
                        await transaction.CommitAsync(cancellationToken);
                    }
                }
                return result;
            case "conflict":
                throw new StreamVersionConflictException(
                    [.. conflicting!.Select((stream, i) => new StreamVersionConflict(request.StreamKeys[stream - 1], request.ExpectedVersions[stream - 1], versions![i]))]);
            case "replayed":
                return ParseReplay(replay!);
            case "mismatch" or "in_use":
                throw new IdempotencyKeyReusedException(metadata.ActingOrganisation, metadata.IdempotencyKey!);
            default:
                throw new InvalidOperationException($"append_events returned an unknown status '{status}'.");
        }
    }

    private async Task<Outcome> QuickAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, Request request, AppendMetadata metadata, FusedWrites? fused,
        CancellationToken cancellationToken)
    {
        var one = request.EventIds.Length == 1;
        var channel = context.TakeNotifyChannel();
        var sql = fused is { Statements.Count: > 0 }
            ? QuickAppendSql.For(context.Schema, request.ExpectedVersions[0], one, channel is not null, fused)
            : quickSql[(Math.Min(request.Expected[0], 1), one, channel is not null)];
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        // Generic parameters throughout: no boxing, and the type is known without a lookup per call.
        command.Parameters.Add(TypedText(request.StreamKeys[0]));
        command.Parameters.Add(TypedText(request.StreamTypes[0]));
        command.Parameters.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = request.Expected[0] });
        command.Parameters.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = request.EventIds.Length });
        if (one)
        {
            command.Parameters.Add(new NpgsqlParameter<Guid> { NpgsqlDbType = NpgsqlDbType.Uuid, TypedValue = request.EventIds[0] });
            command.Parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = request.EventTypes[0] });
            command.Parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Jsonb, TypedValue = request.EventData[0] });
            command.Parameters.Add(new NpgsqlParameter<Instant> { NpgsqlDbType = NpgsqlDbType.TimestampTz, TypedValue = request.OccurredAt[0] });
        }
        else
        {
            AddEventParameters(command, request);
        }
        command.Parameters.Add(TypedText(metadata.CorrelationId));
        command.Parameters.Add(TypedText(metadata.CausationId));
        command.Parameters.Add(TypedText(metadata.ActingOrganisation));
        foreach (var parameter in fused?.Parameters ?? [])
        {
            command.Parameters.Add(parameter);
        }
        if (channel is not null)
        {
            command.Parameters.Add(TypedText(channel));
        }
        long? version;
        long[]? seqIds;
        Instant recorded;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            version = reader.IsDBNull(0) ? null : reader.GetInt64(0);
            seqIds = reader.IsDBNull(1) ? null : one ? [reader.GetInt64(1)] : reader.GetFieldValue<long[]>(1);
            recorded = reader.GetFieldValue<Instant>(2);
        }
        if (version is { } appended)
        {
            return new Outcome("appended", [appended], null, seqIds, recorded, null);
        }
        var actual = await StreamVersions.ReadAsync(connection, transaction, context.Schema, request.StreamKeys, cancellationToken);
        return new Outcome("conflict", [actual.GetValueOrDefault(request.StreamKeys[0])], [1], null, recorded, null);
    }

    private async Task<Outcome> CallFunctionAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Request request, AppendMetadata metadata, CancellationToken cancellationToken)
    {
        var single = request.StreamKeys.Length == 1;
        await using var command = new NpgsqlCommand(single ? singleSql : multiSql, connection, transaction);
        if (single)
        {
            command.Parameters.Add(Text(request.StreamKeys[0]));
            command.Parameters.Add(Text(request.StreamTypes[0]));
            command.Parameters.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = request.Expected[0] });
        }
        else
        {
            command.Parameters.Add(new NpgsqlParameter<string[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = request.StreamKeys });
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = request.StreamTypes });
            command.Parameters.Add(new NpgsqlParameter<long[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, TypedValue = request.Expected });
            command.Parameters.Add(new NpgsqlParameter<int[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer, TypedValue = request.EventStreams });
        }
        AddEventParameters(command, request);
        command.Parameters.Add(Text(metadata.CorrelationId));
        command.Parameters.Add(Text(metadata.CausationId));
        command.Parameters.Add(Text(metadata.ActingOrganisation));
        command.Parameters.Add(Text(metadata.IdempotencyKey));
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bytea, Value = (object?)request.Hash ?? DBNull.Value });
        command.Parameters.Add(Text(context.TakeNotifyChannel()));

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var status = reader.GetString(0);
        if (single)
        {
            return new Outcome(
                status,
                reader.IsDBNull(1) ? null : [reader.GetInt64(1)],
                status == "conflict" ? [1] : null,
                reader.IsDBNull(2) ? null : reader.GetFieldValue<long[]>(2),
                reader.GetFieldValue<Instant>(3),
                reader.IsDBNull(4) ? null : reader.GetFieldValue<string>(4));
        }
        return new Outcome(
            status,
            reader.IsDBNull(1) ? null : reader.GetFieldValue<long[]>(1),
            reader.IsDBNull(2) ? null : reader.GetFieldValue<int[]>(2),
            reader.IsDBNull(3) ? null : reader.GetFieldValue<long[]>(3),
            reader.GetFieldValue<Instant>(4),
            reader.IsDBNull(5) ? null : reader.GetFieldValue<string>(5));
    }

    private static void AddEventParameters(NpgsqlCommand command, Request request)
    {
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid, TypedValue = request.EventIds });
        command.Parameters.Add(new NpgsqlParameter<string[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = request.EventTypes });
        command.Parameters.Add(new NpgsqlParameter<string[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb, TypedValue = request.EventData });
        command.Parameters.Add(new NpgsqlParameter<Instant[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, TypedValue = request.OccurredAt });
    }

    /// <summary>What an append statement or function reported, before it becomes a result or an error.</summary>
    private sealed record Outcome(string Status, long[]? Versions, int[]? Conflicting, long[]? SeqIds, Instant Recorded, string? Replay);

    private static AppendResult ParseReplay(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var keys = root.GetProperty("stream_keys").EnumerateArray().Select(k => k.GetString()!).ToArray();
        var versions = root.GetProperty("stream_versions").EnumerateArray().Select(v => v.GetInt64()).ToArray();
        var seqIds = root.GetProperty("seq_ids").EnumerateArray().Select(v => v.GetInt64()).ToArray();
        return new AppendResult([.. keys.Select((key, i) => new AppendedStream(key, versions[i]))], seqIds, Replayed: true);
    }

    private async Task<StreamVersionConflictException> ConflictFromCurrentVersionsAsync(IReadOnlyList<StreamAppend> appends, CancellationToken cancellationToken)
    {
        var keys = appends.Select(a => a.StreamKey).ToArray();
        var current = await StreamVersions.ReadAsync(context, keys, cancellationToken);
        return new StreamVersionConflictException(
            [.. appends.Select(a => new StreamVersionConflict(a.StreamKey, a.Expected, current.GetValueOrDefault(a.StreamKey)))]);
    }

    private static NpgsqlParameter Text(string? value) => new() { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)value ?? DBNull.Value };

    /// <summary>A text parameter without boxing; null goes as SQL NULL.</summary>
    private static NpgsqlParameter TypedText(string? value) =>
        value is null ? Text(null) : new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = value };

    /// <summary>The append flattened into the function's parallel arrays.</summary>
    private sealed class Request
    {
        public required string[] StreamKeys { get; init; }
        public required string?[] StreamTypes { get; init; }
        public required ExpectedVersion[] ExpectedVersions { get; init; }
        public required long[] Expected { get; init; }
        public required int[] EventStreams { get; init; }
        public required Guid[] EventIds { get; init; }
        public required string[] EventTypes { get; init; }
        public required string[] EventData { get; init; }
        public required Instant[] OccurredAt { get; init; }
        public required NewEvent[] Events { get; init; }
        public byte[]? Hash { get; init; }

        public static Request Build(IReadOnlyList<StreamAppend> appends, AppendMetadata metadata, EventSerializer serializer)
        {
            ArgumentNullException.ThrowIfNull(appends);
            ArgumentNullException.ThrowIfNull(metadata);
            metadata.Validate();
            if (appends.Count == 0)
            {
                throw new ArgumentException("An append needs at least one stream.", nameof(appends));
            }
            var seen = appends.Count > 1 ? new HashSet<string>(StringComparer.Ordinal) : null;
            foreach (var append in appends)
            {
                if (string.IsNullOrEmpty(append.StreamKey))
                {
                    throw new ArgumentException("A stream key must not be empty.", nameof(appends));
                }
                if (append.Events is not { Count: > 0 })
                {
                    throw new ArgumentException($"The append to stream '{append.StreamKey}' has no events.", nameof(appends));
                }
                if (seen is not null && !seen.Add(append.StreamKey))
                {
                    throw new ArgumentException($"Stream '{append.StreamKey}' appears twice in one append.", nameof(appends));
                }
            }

            var count = appends.Sum(a => a.Events.Count);
            var eventStreams = new int[count];
            var ids = new Guid[count];
            var types = new string[count];
            var data = new string[count];
            var occurred = new Instant[count];
            var events = new NewEvent[count];
            using var hash = metadata.IdempotencyKey is not null && metadata.RequestHash is null ? new RequestHash() : null;
            var n = 0;
            for (var s = 0; s < appends.Count; s++)
            {
                var append = appends[s];
                hash?.Add(append.StreamKey);
                hash?.Add(append.StreamType);
                hash?.Add(append.Expected.Encoded);
                foreach (var e in append.Events)
                {
                    ArgumentNullException.ThrowIfNull(e);
                    eventStreams[n] = s + 1;
                    ids[n] = e.EventId ?? Guid.CreateVersion7();
                    types[n] = serializer.TypeNameOf(e.Data);
                    data[n] = serializer.Serialize(e.Data);
                    occurred[n] = PostgresTime.Truncate(e.OccurredAt);
                    events[n] = e;
                    hash?.Add(types[n]);
                    hash?.Add(data[n]);
                    hash?.Add(occurred[n]);
                    n++;
                }
            }
            return new Request
            {
                StreamKeys = [.. appends.Select(a => a.StreamKey)],
                StreamTypes = [.. appends.Select(a => a.StreamType)],
                ExpectedVersions = [.. appends.Select(a => a.Expected)],
                Expected = [.. appends.Select(a => a.Expected.Encoded)],
                EventStreams = eventStreams,
                EventIds = ids,
                EventTypes = types,
                EventData = data,
                OccurredAt = occurred,
                Events = events,
                Hash = metadata.IdempotencyKey is null ? null : metadata.RequestHash ?? hash!.Finish(),
            };
        }

        public IReadOnlyList<StoredEvent> ToStoredEvents(AppendResult result, Instant recorded, AppendMetadata metadata)
        {
            var counts = new int[StreamKeys.Length];
            foreach (var s in EventStreams)
            {
                counts[s - 1]++;
            }
            var next = new long[StreamKeys.Length];
            for (var s = 0; s < StreamKeys.Length; s++)
            {
                next[s] = result.Streams[s].Version - counts[s] + 1;
            }
            var stored = new StoredEvent[Events.Length];
            for (var i = 0; i < Events.Length; i++)
            {
                var s = EventStreams[i] - 1;
                stored[i] = new StoredEvent(result.SeqIds[i], EventIds[i], StreamKeys[s], next[s]++, EventTypes[i], Events[i].Data,
                    OccurredAt[i], recorded, metadata.ActingOrganisation, metadata.CorrelationId,
                    metadata.CausationId, metadata.IdempotencyKey);
            }
            return stored;
        }
    }
}
