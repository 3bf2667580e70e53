using ChipRegistry.Domain.Detection.Clock;
using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Detection.Thresholds;
using ChipRegistry.Domain.Projections;
using ChipRegistry.Domain.Projections.Placements;
using ChipRegistry.EventStore;
using NodaTime;
using Npgsql;

namespace ChipRegistry.Domain.Detection.PreRuleSurge;

/// <summary>
/// Rule 7 on the daemon. Every chip a batch fabricates, sells or voids an event of is folded again
/// (<see cref="SurgeAcquisition.Of"/>) and its acquisitions replaced, each counted for its acquirer and for the
/// acquirer's ultimate parent (read from the organisation streams as they stood when it was recorded). Each
/// organisation and rule date keeps in <c>pre_rule_surge_due</c> the instant its window first meets the test, then the
/// rule's effective date (when its flag closes), so a clock tick judges only the organisations due since the previous
/// tick and those changed since it. The rule calendar is the one shipped (<see cref="Policy.RuleCalendar"/>): a change
/// to it shows only after a rebuild. The batch is cut at its ticks and threshold changes, as rule 1's is.
/// </summary>
public sealed class PreRuleSurgeProjection(EventSerializer serializer) : IAsyncProjection
{
    public const string Prefix = "pre_rule_surge";
    public const string FlagsTable = Prefix + "_flags";
    private const string AcquisitionsTable = Prefix + "_acquisitions";
    private static readonly DueIndex Due = new(Prefix + "_due");

    public string Name => Prefix;

    public IReadOnlyList<ProjectionTable> Tables { get; } =
    [
        FlagTable.Declare(FlagsTable),
        new(AcquisitionsTable,
            """
            (chip_id text not null, seq_id bigint not null, subject_id text not null, model_id text not null, acquired_at timestamptz not null,
             voided boolean not null, primary key (chip_id, seq_id, subject_id))
            """,
            ["(subject_id)"]),
        Due.Declare(),
        .. RuleInputs.Tables(Prefix),
    ];

    public async Task ApplyAsync(AsyncProjectionBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var inputs = await RuleInputs.LoadAsync(batch, Prefix, cancellationToken);
        var chips = batch.Events.Where(e => SurgeAcquisition.Matters(e.Data)).Select(e => e.StreamKey).Distinct(StringComparer.Ordinal).ToArray();
        var streams = chips.Length == 0 ? [] : await TouchedStreams.ReadChipsAsync(batch, serializer, chips, cancellationToken);
        var reference = new ReferenceStreams(serializer);

        await DeadlineWalk.RunAsync(batch, inputs, SurgeAcquisition.Matters,
            (chips, through) => RefoldAsync(batch, inputs, reference, streams, chips, through, cancellationToken),
            (previous, now) => TickAsync(batch, inputs, previous, now, cancellationToken),
            change => change.Threshold is DetectionThresholds.SurgeWindowDays or DetectionThresholds.SurgeMultiple or DetectionThresholds.SurgeLeadDays
                or DetectionThresholds.SurgeHistoryMonths
                ? RescheduleAsync(batch, inputs, cancellationToken)
                : Task.CompletedTask,
            cancellationToken);
    }

    /// <summary>Judges the organisations whose surge test came due since the previous tick; only a tick opens a flag.</summary>
    private static async Task TickAsync(AsyncProjectionBatch batch, RuleInputs inputs, Instant? previous, Instant now, CancellationToken cancellationToken)
    {
        var due = await Due.FellDueAsync(batch, previous, now, cancellationToken);
        await JudgeAsync(batch, inputs, [.. due.Select(PreRuleSurgeJudgement.SubjectOf)], mayOpen: true, changed: false, cancellationToken);
    }

    private static async Task RefoldAsync(
        AsyncProjectionBatch batch, RuleInputs inputs, ReferenceStreams reference, Dictionary<string, List<SequencedChipEvent>> streams,
        string[] chips, long throughSeqId, CancellationToken cancellationToken)
    {
        var acquisitions = chips.SelectMany(chip => SurgeAcquisition.Of(chip, [.. streams.GetValueOrDefault(chip, []).Where(e => e.SeqId <= throughSeqId)])
            .Select(a => (ChipId: chip, Acquisition: a))).ToList();
        await reference.LoadOrganisationsAsync(batch, acquisitions.Select(a => a.Acquisition.AcquirerId).Distinct(StringComparer.Ordinal), cancellationToken);
        var rows = new List<SurgeAcquisition>();
        foreach (var (chip, a) in acquisitions)
        {
            rows.Add(new SurgeAcquisition(chip, a.SeqId, a.AcquirerId, a.ModelId, a.At, a.Voided));
            var parent = reference.DirectoryAt(a.SeqId).UltimateParentId(a.AcquirerId, a.At.InUtc().Date);
            if (parent != a.AcquirerId) rows.Add(new SurgeAcquisition(chip, a.SeqId, parent, a.ModelId, a.At, a.Voided));
        }

        var subjects = new HashSet<string>(rows.Select(r => r.SubjectId), StringComparer.Ordinal);
        await using (var delete = batch.CreateCommand($"delete from {batch.Table(AcquisitionsTable)} where chip_id = any($1) returning subject_id"))
        {
            delete.Parameters.Add(TouchedStreams.Texts(chips));
            await using var reader = await delete.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) subjects.Add(reader.GetString(0));
        }
        if (rows.Count > 0)
        {
            await using var insert = batch.CreateCommand(
                $"""
                insert into {batch.Table(AcquisitionsTable)} (chip_id, seq_id, subject_id, model_id, acquired_at, voided)
                select * from unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::timestamptz[], $6::boolean[])
                """);
            var p = insert.Parameters;
            p.Add(TouchedStreams.Texts(rows.Select(r => r.ChipId)));
            p.Add(new NpgsqlParameter<long[]> { TypedValue = [.. rows.Select(r => r.SeqId)] });
            p.Add(TouchedStreams.Texts(rows.Select(r => r.SubjectId)));
            p.Add(TouchedStreams.Texts(rows.Select(r => r.ModelId)));
            p.Add(new NpgsqlParameter<Instant[]> { TypedValue = [.. rows.Select(r => r.At)] });
            p.Add(new NpgsqlParameter<bool[]> { TypedValue = [.. rows.Select(r => r.Voided)] });
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await JudgeAsync(batch, inputs, subjects, mayOpen: false, changed: true, cancellationToken);
    }

    /// <summary>A changed surge threshold moves every organisation's first surge: each is judged again (a rare act).</summary>
    private static async Task RescheduleAsync(AsyncProjectionBatch batch, RuleInputs inputs, CancellationToken cancellationToken)
    {
        var subjects = new List<string>();
        await using (var command = batch.CreateCommand($"select distinct subject_id from {batch.Table(AcquisitionsTable)}"))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) subjects.Add(reader.GetString(0));
        }
        await JudgeAsync(batch, inputs, subjects, mayOpen: false, changed: true, cancellationToken);
    }

    /// <summary>Judges each organisation against every rule date from all of its acquisitions, and writes the flags and due instants.</summary>
    private static async Task JudgeAsync(
        AsyncProjectionBatch batch, RuleInputs inputs, IReadOnlyCollection<string> subjects, bool mayOpen, bool changed, CancellationToken cancellationToken)
    {
        var distinct = subjects.Distinct(StringComparer.Ordinal).ToArray();
        if (distinct.Length == 0) return;
        var facts = distinct.ToDictionary(s => s, _ => new List<SurgeAcquisition>(), StringComparer.Ordinal);
        await using (var read = batch.CreateCommand(
            $"select chip_id, seq_id, subject_id, model_id, acquired_at, voided from {batch.Table(AcquisitionsTable)} where subject_id = any($1)"))
        {
            read.Parameters.Add(TouchedStreams.Texts(distinct));
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                facts[reader.GetString(2)].Add(new SurgeAcquisition(reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3),
                    reader.GetFieldValue<Instant>(4), reader.GetBoolean(5)));
            }
        }
        var groups = distinct.SelectMany(s => PreRuleSurgeJudgement.Rules.Select(r => PreRuleSurgeJudgement.GroupKey(s, r))).ToList();
        var existing = await FlagTable.ReadByGroupAsync(batch, FlagsTable, groups, cancellationToken);
        var verdicts = facts.SelectMany(f => PreRuleSurgeJudgement.Judge(f.Key, f.Value, inputs.Thresholds, inputs.LatestTick, existing, mayOpen)).ToList();
        await FlagTable.UpsertAsync(batch, FlagsTable, [.. verdicts.Where(v => v.Flag is not null).Select(v => (v.GroupKey, v.Flag!))], cancellationToken);
        await Due.ScheduleAsync(batch, groups, [.. verdicts.Where(v => v.Due is not null).Select(v => new GroupDue(v.GroupKey, v.Due!.Value))], changed,
            cancellationToken);
    }
}
