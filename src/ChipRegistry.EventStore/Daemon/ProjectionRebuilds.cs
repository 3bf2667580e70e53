using NodaTime;
using Npgsql;

namespace ChipRegistry.EventStore;

/// <summary>Where a rebuild is: waiting for the projection's runner to pause, replaying, swapping, or finished.</summary>
public enum RebuildState
{
    Queued,
    Running,
    Swapping,
    Done,
    Failed,
}

/// <summary>Why a rebuild was started: asked for, or the projection's declared version is newer than its tables'.</summary>
public enum RebuildReason
{
    Requested,
    VersionChanged,
}

/// <summary>
/// A rebuild as a resource (a row of <c>projection_rebuilds</c>). <see cref="EventsDone"/> and
/// <see cref="EventsTotal"/> are sequence numbers: how far the replay has reached, and the high-water mark it was
/// heading for at its last batch (both count holes). <see cref="EstimatedDoneAt"/> extrapolates the replay's rate so
/// far; null until it has replayed something, and once finished.
/// </summary>
public sealed record RebuildStatus(
    long Id,
    string Projection,
    RebuildReason Reason,
    RebuildState State,
    int Version,
    Instant RequestedAt,
    Instant? StartedAt,
    Instant? FinishedAt,
    long EventsDone,
    long EventsTotal,
    Instant? EstimatedDoneAt,
    long? Checkpoint,
    int? DeadLetters,
    string? Error)
{
    public bool IsFinished => State is RebuildState.Done or RebuildState.Failed;
}

/// <summary>A request for a rebuild: the one it started, or (<see cref="Started"/> false) the unfinished one it found.</summary>
public sealed record RebuildRequest(RebuildStatus Rebuild, bool Started);

/// <summary>The SQL of <c>projection_rebuilds</c>: claim (one unfinished rebuild per projection), progress, finish, read.</summary>
internal sealed class ProjectionRebuilds(StoreContext context, TimeSpan abandonedAfter)
{
    private const string Columns =
        """
        rebuild_id, projection, reason, state, version, requested_at, started_at, finished_at, events_done, events_total,
        case when state in ('running', 'swapping') and events_done > 0 and events_total > events_done
             then heartbeat_at + (heartbeat_at - started_at) * ((events_total - events_done)::float8 / events_done) end,
        checkpoint, dead_letters, error
        """;

    private string Table => $"{context.Schema.Quoted}.projection_rebuilds";

    /// <summary>
    /// Records a queued rebuild unless one of the projection is unfinished (then returns that one). An unfinished
    /// rebuild whose heartbeat is older than the abandonment threshold lost its process: it is marked failed first.
    /// </summary>
    public async Task<RebuildRequest> ClaimAsync(string projection, RebuildReason reason, int version, CancellationToken cancellationToken)
    {
        await using var connection = await context.DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var abandon = new NpgsqlCommand(
            $"""
            update {Table} set state = 'failed', finished_at = now(), error = 'abandoned: no progress since ' || heartbeat_at::text
            where projection = $1 and state in ('queued', 'running', 'swapping') and heartbeat_at < now() - make_interval(secs => $2)
            """, connection, transaction))
        {
            abandon.Parameters.Add(new NpgsqlParameter<string> { TypedValue = projection });
            abandon.Parameters.Add(new NpgsqlParameter<double> { TypedValue = abandonedAfter.TotalSeconds });
            await abandon.ExecuteNonQueryAsync(cancellationToken);
        }
        RebuildStatus? claimed;
        await using (var insert = new NpgsqlCommand(
            $"""
            insert into {Table} (projection, reason, state, version) values ($1, $2, 'queued', $3)
            on conflict (projection) where state in ('queued', 'running', 'swapping') do nothing
            returning {Columns}
            """, connection, transaction))
        {
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = projection });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Name(reason) });
            insert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = version });
            claimed = await ReadOneAsync(insert, cancellationToken);
        }
        var request = claimed is not null
            ? new RebuildRequest(claimed, Started: true)
            : new RebuildRequest(await ActiveAsync(connection, transaction, projection, cancellationToken)
                ?? throw new InvalidOperationException($"A rebuild of '{projection}' was neither claimed nor found unfinished."), Started: false);
        await transaction.CommitAsync(cancellationToken);
        return request;
    }

    public Task RunningAsync(long id, CancellationToken cancellationToken) =>
        UpdateAsync(id, "state = 'running', started_at = now(), heartbeat_at = now()", [], cancellationToken);

    public Task ProgressAsync(long id, long done, long total, CancellationToken cancellationToken) =>
        UpdateAsync(id, "events_done = $2, events_total = greatest($3, $2), heartbeat_at = now()", [done, total], cancellationToken);

    public Task SwappingAsync(long id, CancellationToken cancellationToken) =>
        UpdateAsync(id, "state = 'swapping', heartbeat_at = now()", [], cancellationToken);

    public async Task DoneAsync(long id, RebuildResult result, CancellationToken cancellationToken)
    {
        await using var command = context.DataSource.CreateCommand(
            $"""
            update {Table} set state = 'done', finished_at = now(), heartbeat_at = now(), events_done = $2, events_total = $2,
                checkpoint = $2, dead_letters = $3
            where rebuild_id = $1
            """);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = result.Checkpoint });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = result.DeadLetters });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task FailedAsync(long id, string error, CancellationToken cancellationToken)
    {
        await using var command = context.DataSource.CreateCommand(
            $"update {Table} set state = 'failed', finished_at = now(), heartbeat_at = now(), error = $2 where rebuild_id = $1");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = error });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<RebuildStatus?> GetAsync(long id, CancellationToken cancellationToken)
    {
        await using var command = context.DataSource.CreateCommand($"select {Columns} from {Table} where rebuild_id = $1");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
        return await ReadOneAsync(command, cancellationToken);
    }

    private async Task<RebuildStatus?> ActiveAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string projection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"select {Columns} from {Table} where projection = $1 and state in ('queued', 'running', 'swapping')", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = projection });
        return await ReadOneAsync(command, cancellationToken);
    }

    private async Task UpdateAsync(long id, string set, long[] values, CancellationToken cancellationToken)
    {
        await using var command = context.DataSource.CreateCommand($"update {Table} set {set} where rebuild_id = $1");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = value });
        }
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<RebuildStatus?> ReadOneAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }
        return new RebuildStatus(
            reader.GetInt64(0),
            reader.GetString(1),
            reader.GetString(2) == "requested" ? RebuildReason.Requested : RebuildReason.VersionChanged,
            Enum.Parse<RebuildState>(reader.GetString(3), ignoreCase: true),
            reader.GetInt32(4),
            reader.GetFieldValue<Instant>(5),
            reader.IsDBNull(6) ? null : reader.GetFieldValue<Instant>(6),
            reader.IsDBNull(7) ? null : reader.GetFieldValue<Instant>(7),
            reader.GetInt64(8),
            reader.GetInt64(9),
            reader.IsDBNull(10) ? null : reader.GetFieldValue<Instant>(10),
            reader.IsDBNull(11) ? null : reader.GetInt64(11),
            reader.IsDBNull(12) ? null : reader.GetInt32(12),
            reader.IsDBNull(13) ? null : reader.GetString(13));
    }

    private static string Name(RebuildReason reason) => reason == RebuildReason.Requested ? "requested" : "version_changed";

    /// <summary>Writes a tracked rebuild's progress to its row.</summary>
    public sealed class Observer(ProjectionRebuilds rebuilds, long id) : IRebuildObserver
    {
        public Task ReplayedAsync(long position, long target, CancellationToken cancellationToken) =>
            rebuilds.ProgressAsync(id, position, target, cancellationToken);

        public Task SwappingAsync(CancellationToken cancellationToken) => rebuilds.SwappingAsync(id, cancellationToken);
    }
}
