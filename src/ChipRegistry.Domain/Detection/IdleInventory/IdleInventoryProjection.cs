using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Detection.Clock;
using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Detection.Thresholds;
using ChipRegistry.Domain.Projections;
using ChipRegistry.Domain.Projections.Placements;
using ChipRegistry.EventStore;
using NodaTime;
using Npgsql;

namespace ChipRegistry.Domain.Detection.IdleInventory;

/// <summary>
/// Rule 8 on the daemon. Every chip a batch delivers, installs or moves is folded again (<see cref="IdleInterval.Of"/>)
/// and its idle intervals replaced; each organisation keeps in <c>idle_inventory_due</c> the instant its idle stock next
/// reaches the minimum, so a clock tick judges only the organisations that fell due since the previous tick and those
/// whose facts changed since it: a tick never scans every organisation. The batch is cut at its ticks and threshold
/// changes, as rule 1's is, so the flags are the same whatever the batch boundaries, in a rebuild too.
/// </summary>
public sealed class IdleInventoryProjection(EventSerializer serializer) : IAsyncProjection
{
    public const string Prefix = "idle_inventory";
    public const string FlagsTable = Prefix + "_flags";
    private const string IntervalsTable = Prefix + "_intervals";
    private static readonly DueIndex Due = new(Prefix + "_due");

    private static readonly GroupedFacts<IdleInterval> Intervals = new(IntervalsTable,
        "chip_id, seq_id, organisation_id, delivered_at, idle_until, voided",
        reader => new IdleInterval(reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.GetFieldValue<Instant>(3),
            reader.IsDBNull(4) ? null : reader.GetFieldValue<Instant>(4), reader.GetBoolean(5)),
        FlagsTable);

    public string Name => Prefix;

    public IReadOnlyList<ProjectionTable> Tables { get; } =
    [
        FlagTable.Declare(FlagsTable),
        new(IntervalsTable,
            """
            (chip_id text not null, seq_id bigint not null, group_key text not null, organisation_id text not null, delivered_at timestamptz not null,
             idle_until timestamptz, voided boolean not null, primary key (chip_id, seq_id))
            """,
            ["(group_key)"]),
        Due.Declare(),
        .. RuleInputs.Tables(Prefix),
    ];

    public async Task ApplyAsync(AsyncProjectionBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var inputs = await RuleInputs.LoadAsync(batch, Prefix, cancellationToken);
        var chips = batch.Events.Where(e => IdleInterval.Matters(e.Data)).Select(e => e.StreamKey).Distinct(StringComparer.Ordinal).ToArray();
        var streams = chips.Length == 0 ? [] : await TouchedStreams.ReadChipsAsync(batch, serializer, chips, cancellationToken);

        await DeadlineWalk.RunAsync(batch, inputs, IdleInterval.Matters,
            (chips, through) => RefoldAsync(batch, inputs, streams, chips, through, cancellationToken),
            (previous, now) => TickAsync(batch, inputs, previous, now, cancellationToken),
            change => change.Threshold is DetectionThresholds.IdleDays or DetectionThresholds.IdleMinChips ? RescheduleAsync(batch, inputs, cancellationToken) : Task.CompletedTask,
            cancellationToken);
    }

    private static async Task RefoldAsync(
        AsyncProjectionBatch batch, RuleInputs inputs, Dictionary<string, List<SequencedChipEvent>> streams, string[] chips,
        long throughSeqId, CancellationToken cancellationToken)
    {
        var rows = chips.SelectMany(chip => IdleInterval.Of(chip, [.. streams.GetValueOrDefault(chip, []).Where(e => e.SeqId <= throughSeqId)])).ToList();

        var groups = new HashSet<string>(rows.Select(r => r.GroupKey), StringComparer.Ordinal);
        await using (var delete = batch.CreateCommand($"delete from {batch.Table(IntervalsTable)} where chip_id = any($1) returning group_key"))
        {
            delete.Parameters.Add(TouchedStreams.Texts(chips));
            await using var reader = await delete.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) groups.Add(reader.GetString(0));
        }
        if (rows.Count > 0)
        {
            await using var insert = batch.CreateCommand(
                $"""
                insert into {batch.Table(IntervalsTable)} (chip_id, seq_id, group_key, organisation_id, delivered_at, idle_until, voided)
                select * from unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::boolean[])
                """);
            var p = insert.Parameters;
            p.Add(TouchedStreams.Texts(rows.Select(r => r.ChipId)));
            p.Add(new NpgsqlParameter<long[]> { TypedValue = [.. rows.Select(r => r.SeqId)] });
            p.Add(TouchedStreams.Texts(rows.Select(r => r.GroupKey)));
            p.Add(TouchedStreams.Texts(rows.Select(r => r.OrganisationId)));
            p.Add(new NpgsqlParameter<Instant[]> { TypedValue = [.. rows.Select(r => r.DeliveredAt)] });
            p.Add(new NpgsqlParameter<Instant?[]> { TypedValue = [.. rows.Select(r => r.IdleUntil)] });
            p.Add(new NpgsqlParameter<bool[]> { TypedValue = [.. rows.Select(r => r.Voided)] });
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await JudgeAsync(batch, inputs, groups, mayOpen: false, markChanged: true, cancellationToken);
    }

    /// <summary>A tick judges the organisations due since the previous tick and those changed since it, and nothing else.</summary>
    private static async Task TickAsync(AsyncProjectionBatch batch, RuleInputs inputs, Instant? previous, Instant now, CancellationToken cancellationToken)
    {
        var groups = await Due.FellDueAsync(batch, previous, now, cancellationToken);
        await JudgeAsync(batch, inputs, groups, mayOpen: true, markChanged: false, cancellationToken);
    }

    /// <summary>A changed idle threshold moves every organisation's spells: they are judged again (a rare act, on the organisations with idle stock).</summary>
    private static async Task RescheduleAsync(AsyncProjectionBatch batch, RuleInputs inputs, CancellationToken cancellationToken)
    {
        var groups = await Intervals.GroupsWhereAsync(batch, "idle_until is null or idle_until > delivered_at", cancellationToken);
        await JudgeAsync(batch, inputs, groups, mayOpen: false, markChanged: true, cancellationToken);
    }

    private static async Task JudgeAsync(
        AsyncProjectionBatch batch, RuleInputs inputs, IReadOnlyCollection<string> groups, bool mayOpen, bool markChanged, CancellationToken cancellationToken)
    {
        await Intervals.JudgeAndScheduleAsync(batch, groups,
            (rows, existing) => IdleInventoryJudgement.Judge(rows, inputs.Thresholds, inputs.LatestTick, existing, mayOpen), Due, markChanged, cancellationToken);
    }
}
