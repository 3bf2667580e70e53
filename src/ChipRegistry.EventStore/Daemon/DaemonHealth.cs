using NodaTime;
using Npgsql;

namespace ChipRegistry.EventStore;

/// <summary>
/// The daemon's state for <c>/health/ready</c> (report it; never fail readiness on lag) and for
/// dashboards: the high-water mark, the highest committed sequence number, whether the mark is
/// stalled at a gap, and each projection's position.
/// </summary>
public sealed record DaemonHealth(
    string Schema,
    long HighWaterMark,
    long HighestSeqId,
    bool MarkStalled,
    Instant? GapSeenAt,
    long SkippedGaps,
    IReadOnlyList<ProjectionHealth> Projections)
{
    /// <summary>True when some projection is halted on a dead letter (worth an alert, not a failed readiness probe).</summary>
    public bool AnyHalted => Projections.Any(p => p.Halted);
}

/// <summary>
/// One projection: its checkpoint, its lag behind the high-water mark (in sequence numbers),
/// whether it is halted (and on which event, why), its dead letters, and whether a runner in
/// this process currently leads it. <see cref="SequenceGap"/> is the lag behind the highest
/// committed sequence number instead of the mark; <see cref="BusinessLagSeconds"/> and
/// <see cref="RecordedLagSeconds"/> are the latest committed event's occurred and recorded times
/// minus those of the last event the projection has applied (the log's first event when it has
/// applied none), never below zero: a backdated latest event shows no business lag.
/// <see cref="Version"/> is the version stored with the checkpoint (that of the code that wrote the tables),
/// 0 while a registered projection has no checkpoint row yet (its runner has not prepared its tables):
/// every registered projection is reported from the first probe on, not only those already started.
/// </summary>
public sealed record ProjectionHealth(
    string Name,
    long Checkpoint,
    long Lag,
    bool Halted,
    long? HaltedAtSeqId,
    string? HaltedError,
    long DeadLetters,
    bool LeadingHere)
{
    public long SequenceGap { get; init; }

    public double BusinessLagSeconds { get; init; }

    public double RecordedLagSeconds { get; init; }

    public int Version { get; init; } = 1;
}

internal static class DaemonHealthReader
{
    public static async Task<DaemonHealth> ReadAsync(StoreContext context, IReadOnlyList<string> projections, TimeSpan stalledAfter, Func<string, bool> leadingHere, CancellationToken cancellationToken)
    {
        var schema = context.Schema.Quoted;
        await using var connection = await context.DataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection);
        var mark = new NpgsqlBatchCommand(
            $"""
            select m.last_seq_id,
                   (select coalesce(max(e.seq_id), 0) from {schema}.events e),
                   m.gap_seen_at is not null and m.gap_seen_at < clock_timestamp() - make_interval(secs => $1),
                   m.gap_seen_at,
                   (select count(*) from {schema}.skipped_gaps)
            from {schema}.projection_progress m
            where m.name = '{HighWaterMark.Row}'
            """);
        mark.Parameters.Add(new NpgsqlParameter<double> { TypedValue = stalledAfter.TotalSeconds });
        batch.BatchCommands.Add(mark);
        var rows = new NpgsqlBatchCommand(
            $"""
            select n.name, coalesce(p.last_seq_id, 0), p.halted_seq_id, p.halted_error,
                   (select count(*) from {schema}.dead_letters d where d.projection = n.name),
                   coalesce(p.version, 0),
                   coalesce(extract(epoch from greatest(l.occurred_at - coalesce(a.occurred_at, f.occurred_at), interval '0'))::float8, 0),
                   coalesce(extract(epoch from greatest(l.recorded_at - coalesce(a.recorded_at, f.recorded_at), interval '0'))::float8, 0)
            from unnest($1::text[]) n(name)
            left join {schema}.projection_progress p on p.name = n.name
            left join lateral (select e.occurred_at, e.recorded_at from {schema}.events e order by e.seq_id desc limit 1) l on true
            left join lateral (select e.occurred_at, e.recorded_at from {schema}.events e order by e.seq_id limit 1) f on true
            left join lateral (
                select e.occurred_at, e.recorded_at from {schema}.events e where e.seq_id <= p.last_seq_id order by e.seq_id desc limit 1) a on true
            order by n.name
            """);
        rows.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. projections] });
        batch.BatchCommands.Add(rows);

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var highWaterMark = reader.GetInt64(0);
        var highest = reader.GetInt64(1);
        var stalled = reader.GetBoolean(2);
        Instant? seenAt = reader.IsDBNull(3) ? null : reader.GetFieldValue<Instant>(3);
        var skipped = reader.GetInt64(4);
        await reader.NextResultAsync(cancellationToken);
        var list = new List<ProjectionHealth>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var name = reader.GetString(0);
            var checkpoint = reader.GetInt64(1);
            long? haltedAt = reader.IsDBNull(2) ? null : reader.GetInt64(2);
            list.Add(new ProjectionHealth(
                name,
                checkpoint,
                Math.Max(0, highWaterMark - checkpoint),
                haltedAt is not null,
                haltedAt,
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.GetInt64(4),
                leadingHere(name))
            {
                SequenceGap = Math.Max(0, highest - checkpoint),
                Version = reader.GetInt32(5),
                BusinessLagSeconds = reader.GetDouble(6),
                RecordedLagSeconds = reader.GetDouble(7),
            });
        }
        return new DaemonHealth(context.Schema.Value, highWaterMark, highest, stalled, seenAt, skipped, list);
    }
}
