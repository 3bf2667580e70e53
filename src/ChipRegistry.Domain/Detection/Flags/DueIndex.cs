using ChipRegistry.Domain.Projections;
using ChipRegistry.EventStore;
using NodaTime;
using Npgsql;

namespace ChipRegistry.Domain.Detection.Flags;

/// <summary>
/// A deadline rule's index of due times (<c>&lt;rule&gt;_due(group_key, due_at, dirty)</c>, docs/detection.md "Deadlines and
/// ticks"): each group keeps the instant it next falls due, so a tick reads only what fell due since the previous tick
/// (an index range) and what changed since it and is already due, never a scan of every chip. A group judged outside a
/// tick is marked dirty, because a change may have moved its due instant behind the latest tick; the next tick judges
/// it and clears the mark. An index may keep an anchor per group (the instant its deadline counts from), so a changed
/// threshold finds the groups whose deadline it moves.
/// </summary>
/// <param name="table">The index's table, <c>&lt;rule&gt;_due</c>.</param>
/// <param name="anchorColumn">The anchor's column (e.g. <c>shipped_at</c>), or null when the rule keeps none.</param>
public sealed class DueIndex(string table, string? anchorColumn = null)
{
    public ProjectionTable Declare() => anchorColumn is null
        ? new(table, "(group_key text primary key, due_at timestamptz not null, dirty boolean not null)", ["(due_at)", "(due_at) where dirty"])
        : new(table, $"(group_key text primary key, {anchorColumn} timestamptz not null, due_at timestamptz not null, dirty boolean not null)",
            ["(due_at)", $"({anchorColumn})", "(due_at) where dirty"]);

    /// <summary>
    /// The groups that fell due in (<paramref name="previous"/>, <paramref name="now"/>] and those changed since the
    /// previous tick that are already due; clears every change mark (a group changed but not yet due is reached by the
    /// due range of the tick that passes its due instant).
    /// </summary>
    public async Task<List<string>> FellDueAsync(AsyncProjectionBatch batch, Instant? previous, Instant now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var groups = new List<string>();
        await using (var due = batch.CreateCommand(
            $"""
            select group_key from {batch.Table(table)} where due_at <= $2 and ($1::timestamptz is null or due_at > $1)
            union
            select group_key from {batch.Table(table)} where dirty and due_at <= $2
            """))
        {
            due.Parameters.Add(new NpgsqlParameter<Instant?> { TypedValue = previous });
            due.Parameters.Add(new NpgsqlParameter<Instant> { TypedValue = now });
            await using var reader = await due.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) groups.Add(reader.GetString(0));
        }
        await using (var clear = batch.CreateCommand($"update {batch.Table(table)} set dirty = false where dirty"))
        {
            await clear.ExecuteNonQueryAsync(cancellationToken);
        }
        return groups;
    }

    /// <summary>The groups anchored at or after <paramref name="from"/>: those whose deadline a threshold effective from then moves.</summary>
    public async Task<List<string>> AnchoredFromAsync(AsyncProjectionBatch batch, Instant from, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (anchorColumn is null) throw new InvalidOperationException($"{table} keeps no anchor");
        var groups = new List<string>();
        await using var command = batch.CreateCommand($"select group_key from {batch.Table(table)} where {anchorColumn} >= $1");
        command.Parameters.Add(new NpgsqlParameter<Instant> { TypedValue = from });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) groups.Add(reader.GetString(0));
        return groups;
    }

    /// <summary>
    /// Records the judged groups' due instants: each of <paramref name="dues"/> is scheduled (marked dirty when
    /// <paramref name="changed"/>, a mark that stays until a tick clears it), and every other group of
    /// <paramref name="judged"/> leaves the index (nothing of it falls due any more).
    /// </summary>
    public async Task ScheduleAsync(
        AsyncProjectionBatch batch, IEnumerable<string> judged, IReadOnlyCollection<GroupDue> dues, bool changed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(dues);
        var scheduled = dues.Select(d => d.GroupKey).ToHashSet(StringComparer.Ordinal);
        await using var write = batch.CreateBatch();
        var gone = new NpgsqlBatchCommand($"delete from {batch.Table(table)} where group_key = any($1)");
        gone.Parameters.Add(TouchedStreams.Texts(judged.Where(g => !scheduled.Contains(g))));
        write.BatchCommands.Add(gone);
        var upsert = anchorColumn is null
            ? new NpgsqlBatchCommand(
                $"""
                insert into {batch.Table(table)} as d (group_key, due_at, dirty)
                select * from unnest($1::text[], $2::timestamptz[], $3::boolean[])
                on conflict (group_key) do update set due_at = excluded.due_at, dirty = d.dirty or excluded.dirty
                """)
            : new NpgsqlBatchCommand(
                $"""
                insert into {batch.Table(table)} as d (group_key, due_at, dirty, {anchorColumn})
                select * from unnest($1::text[], $2::timestamptz[], $3::boolean[], $4::timestamptz[])
                on conflict (group_key) do update set {anchorColumn} = excluded.{anchorColumn}, due_at = excluded.due_at, dirty = d.dirty or excluded.dirty
                """);
        upsert.Parameters.Add(TouchedStreams.Texts(dues.Select(d => d.GroupKey)));
        upsert.Parameters.Add(new NpgsqlParameter<Instant[]> { TypedValue = [.. dues.Select(d => d.DueAt)] });
        upsert.Parameters.Add(new NpgsqlParameter<bool[]> { TypedValue = [.. dues.Select(_ => changed)] });
        if (anchorColumn is not null)
        {
            upsert.Parameters.Add(new NpgsqlParameter<Instant[]> { TypedValue = [.. dues.Select(d => d.Anchor ?? d.DueAt)] });
        }
        write.BatchCommands.Add(upsert);
        await write.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>A group's next due instant in a <see cref="DueIndex"/>, and its anchor when the index keeps one.</summary>
public sealed record GroupDue(string GroupKey, Instant DueAt, Instant? Anchor = null);
