using ChipRegistry.Domain.Detection.Thresholds;
using ChipRegistry.EventStore;
using NodaTime;
using Npgsql;

namespace ChipRegistry.Domain.Detection.Flags;

/// <summary>
/// A rule's view of time and configuration, kept in the rule's own tables so the rule rebuilds alone: the latest
/// clock tick it has seen and every threshold change, folded into a <see cref="ThresholdCalendar"/>. No rule reads the
/// system clock; a rule judges "now" as the latest tick.
/// </summary>
public sealed class RuleInputs
{
    private readonly string prefix;
    private readonly List<(long SeqId, DetectionThresholdChanged Change)> added = [];
    private bool tickMoved;

    private RuleInputs(string prefix, Instant? latestTick, ThresholdCalendar thresholds)
    {
        this.prefix = prefix;
        LatestTick = latestTick;
        Thresholds = thresholds;
    }

    public Instant? LatestTick { get; private set; }

    public ThresholdCalendar Thresholds { get; }

    public static IReadOnlyList<ProjectionTable> Tables(string prefix) =>
    [
        new(prefix + "_clock", "(singleton boolean primary key default true check (singleton), latest_tick timestamptz not null)"),
        new(prefix + "_thresholds", "(seq_id bigint primary key, threshold text not null, value text not null, effective_from timestamptz not null)"),
    ];

    public static async Task<RuleInputs> LoadAsync(AsyncProjectionBatch batch, string prefix, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        Instant? latest = null;
        var calendar = new ThresholdCalendar();
        await using (var command = batch.CreateCommand($"select latest_tick from {batch.Table(prefix + "_clock")}"))
        {
            if (await command.ExecuteScalarAsync(cancellationToken) is Instant at) latest = at;
        }
        await using (var command = batch.CreateCommand(
            $"select threshold, value, effective_from from {batch.Table(prefix + "_thresholds")} order by seq_id"))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                calendar.Apply(new DetectionThresholdChanged(reader.GetString(0), reader.GetString(1), reader.GetFieldValue<Instant>(2), "", "", default));
            }
        }
        return new RuleInputs(prefix, latest, calendar);
    }

    /// <summary>A tick moves "now" forward only: a replayed earlier tick changes nothing.</summary>
    public bool Tick(Instant at)
    {
        if (LatestTick is { } latest && at <= latest) return false;
        LatestTick = at;
        tickMoved = true;
        return true;
    }

    public void Change(long seqId, DetectionThresholdChanged change)
    {
        ArgumentNullException.ThrowIfNull(change);
        // A change naming no known threshold cannot come through the endpoint; skipping it keeps one bad event from halting a rule.
        if (!DetectionThresholds.TryFind(change.Threshold, out _)) return;
        Thresholds.Apply(change);
        added.Add((seqId, change));
    }

    public async Task SaveAsync(AsyncProjectionBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        await using var write = batch.CreateBatch();
        if (tickMoved && LatestTick is { } latest)
        {
            var tick = new NpgsqlBatchCommand(
                $"insert into {batch.Table(prefix + "_clock")} (latest_tick) values ($1) on conflict (singleton) do update set latest_tick = excluded.latest_tick");
            tick.Parameters.Add(new NpgsqlParameter<Instant> { TypedValue = latest });
            write.BatchCommands.Add(tick);
        }
        foreach (var (seqId, change) in added)
        {
            var insert = new NpgsqlBatchCommand(
                $"insert into {batch.Table(prefix + "_thresholds")} (seq_id, threshold, value, effective_from) values ($1, $2, $3, $4) on conflict do nothing");
            insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = seqId });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = change.Threshold });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = change.Value });
            insert.Parameters.Add(new NpgsqlParameter<Instant> { TypedValue = change.EffectiveFrom });
            write.BatchCommands.Add(insert);
        }
        if (write.BatchCommands.Count > 0) await write.ExecuteNonQueryAsync(cancellationToken);
        added.Clear();
        tickMoved = false;
    }
}
