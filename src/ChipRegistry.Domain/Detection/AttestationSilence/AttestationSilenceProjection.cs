using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Detection.Clock;
using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Detection.Thresholds;
using ChipRegistry.Domain.Projections;
using ChipRegistry.Domain.Projections.Placements;
using ChipRegistry.EventStore;
using NodaTime;
using Npgsql;

namespace ChipRegistry.Domain.Detection.AttestationSilence;

/// <summary>
/// Rule 12 on the daemon, a deadline rule shaped like rule 1. Every chip a batch touches is folded again
/// (<see cref="AttestationSilenceFold"/>) and its silent stretches replaced; each group (a facility and the day its
/// chips fell silent) keeps the latest deadline of its stretches in <c>attestation_silence_due</c>, indexed by due
/// time. A clock tick judges only the groups that fell due since the previous tick (an index range) and those whose
/// stretches changed since it, so a tick never scans every chip. The batch is cut at its ticks and threshold changes:
/// what a tick judges is folded up to that tick.
/// </summary>
public sealed class AttestationSilenceProjection(EventSerializer serializer) : IAsyncProjection
{
    public const string Prefix = "attestation_silence";
    public const string FlagsTable = Prefix + "_flags";
    private const string StretchesTable = Prefix + "_stretches";
    private static readonly DueIndex Due = new(Prefix + "_due", "started_at");

    private static readonly GroupedFacts<SilentStretch> Stretches = new(StretchesTable,
        "chip_id, start_seq_id, facility_id, country, started_at, ended_at, end_seq_id, ended_by",
        reader => new SilentStretch(reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetFieldValue<Instant>(4),
            reader.IsDBNull(5) ? null : reader.GetFieldValue<Instant>(5), reader.IsDBNull(6) ? null : reader.GetInt64(6),
            reader.IsDBNull(7) ? null : reader.GetString(7)),
        FlagsTable);

    public string Name => Prefix;

    public IReadOnlyList<ProjectionTable> Tables { get; } =
    [
        FlagTable.Declare(FlagsTable),
        new(StretchesTable,
            """
            (chip_id text not null, start_seq_id bigint not null, group_key text not null, facility_id text not null, country text not null,
             started_at timestamptz not null, ended_at timestamptz, end_seq_id bigint, ended_by text, primary key (chip_id, start_seq_id))
            """,
            ["(group_key)"]),
        Due.Declare(),
        .. RuleInputs.Tables(Prefix),
    ];

    public async Task ApplyAsync(AsyncProjectionBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var inputs = await RuleInputs.LoadAsync(batch, Prefix, cancellationToken);
        var chips = batch.Events.Where(e => e.Data is IChipEvent and not ChipTenantAssigned).Select(e => e.StreamKey).Distinct(StringComparer.Ordinal).ToArray();
        var streams = chips.Length == 0 ? [] : await TouchedStreams.ReadChipsAsync(batch, serializer, chips, cancellationToken);

        await DeadlineWalk.RunAsync(batch, inputs, data => data is IChipEvent and not ChipTenantAssigned,
            (chips, through) => RefoldAsync(batch, inputs, streams, chips, through, cancellationToken),
            (previous, now) => TickAsync(batch, inputs, previous, now, cancellationToken),
            change => change.Threshold == DetectionThresholds.AttestationSilenceDays ? RescheduleAsync(batch, inputs, change.EffectiveFrom, cancellationToken) : Task.CompletedTask,
            cancellationToken);
    }

    /// <summary>Folds the touched chips up to <paramref name="throughSeqId"/>, replaces their stretches and re-judges the groups they belong to.</summary>
    private static async Task RefoldAsync(
        AsyncProjectionBatch batch, RuleInputs inputs, Dictionary<string, List<SequencedChipEvent>> streams, string[] chips,
        long throughSeqId, CancellationToken cancellationToken)
    {
        var rows = chips.SelectMany(chip => AttestationSilenceFold.Of(chip, [.. streams.GetValueOrDefault(chip, []).Where(e => e.SeqId <= throughSeqId)],
            at => AttestationSilenceJudgement.Deadline(at, inputs.Thresholds).Due)).ToList();

        var groups = new HashSet<string>(rows.Select(r => r.GroupKey), StringComparer.Ordinal);
        await using (var delete = batch.CreateCommand($"delete from {batch.Table(StretchesTable)} where chip_id = any($1) returning group_key"))
        {
            delete.Parameters.Add(TouchedStreams.Texts(chips));
            await using var reader = await delete.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) groups.Add(reader.GetString(0));
        }
        if (rows.Count > 0)
        {
            await using var insert = batch.CreateCommand(
                $"""
                insert into {batch.Table(StretchesTable)} (chip_id, start_seq_id, group_key, facility_id, country, started_at, ended_at, end_seq_id, ended_by)
                select * from unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::timestamptz[], $8::bigint[], $9::text[])
                """);
            var p = insert.Parameters;
            p.Add(TouchedStreams.Texts(rows.Select(r => r.ChipId)));
            p.Add(new NpgsqlParameter<long[]> { TypedValue = [.. rows.Select(r => r.StartSeqId)] });
            p.Add(TouchedStreams.Texts(rows.Select(r => r.GroupKey)));
            p.Add(TouchedStreams.Texts(rows.Select(r => r.FacilityId)));
            p.Add(TouchedStreams.Texts(rows.Select(r => r.Country)));
            p.Add(new NpgsqlParameter<Instant[]> { TypedValue = [.. rows.Select(r => r.StartedAt)] });
            p.Add(new NpgsqlParameter<Instant?[]> { TypedValue = [.. rows.Select(r => r.EndedAt)] });
            p.Add(new NpgsqlParameter<long?[]> { TypedValue = [.. rows.Select(r => r.EndSeqId)] });
            p.Add(TouchedStreams.Texts(rows.Select(r => r.EndedBy)));
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await JudgeAsync(batch, inputs, groups, mayOpen: false, markChanged: true, cancellationToken);
    }

    /// <summary>A tick judges the groups due since the previous tick and those changed since it, and nothing else.</summary>
    private static async Task TickAsync(AsyncProjectionBatch batch, RuleInputs inputs, Instant? previous, Instant now, CancellationToken cancellationToken)
    {
        var groups = await Due.FellDueAsync(batch, previous, now, cancellationToken);
        await JudgeAsync(batch, inputs, groups, mayOpen: true, markChanged: false, cancellationToken);
    }

    /// <summary>A changed silence threshold moves the deadlines of the stretches started from its effective instant on.</summary>
    private static async Task RescheduleAsync(AsyncProjectionBatch batch, RuleInputs inputs, Instant effectiveFrom, CancellationToken cancellationToken)
    {
        var groups = await Due.AnchoredFromAsync(batch, effectiveFrom, cancellationToken);
        await JudgeAsync(batch, inputs, groups, mayOpen: false, markChanged: true, cancellationToken);
    }

    /// <summary>
    /// Judges the groups and keeps each one's latest deadline in the due index: the group's stretches began within one
    /// UTC day, so the tick that passes the latest deadline judges all of them (the flag still opens at the earliest).
    /// </summary>
    private static async Task JudgeAsync(
        AsyncProjectionBatch batch, RuleInputs inputs, IReadOnlyCollection<string> groups, bool mayOpen, bool markChanged, CancellationToken cancellationToken)
    {
        if (groups.Count == 0) return;
        var stretches = await Stretches.JudgeAsync(batch, groups,
            (rows, existing) => AttestationSilenceJudgement.Judge(rows, inputs.Thresholds, inputs.LatestTick, existing, mayOpen), cancellationToken);

        var scheduled = stretches.Where(s => s.Value.Count > 0).Select(s => new GroupDue(s.Key,
            s.Value.Max(r => AttestationSilenceJudgement.Deadline(r.StartedAt, inputs.Thresholds).Due), s.Value.Min(r => r.StartedAt))).ToList();
        await Due.ScheduleAsync(batch, stretches.Keys, scheduled, markChanged, cancellationToken);
    }
}
