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
/// acquirer's ultimate parent (read from the organisation streams as they stood when it was recorded). Beside them,
/// <c>pre_rule_surge_counts</c> keeps each organisation's acquisitions per model and instant (a lot, a batch of sales),
/// recounted for the instants a refold touched; a judgement reads those counts, not every acquisition (a manufacturer's
/// fabrications would make each judgement as long as its history), and reads acquisitions only for a flag's window. Each
/// organisation and rule date keeps in <c>pre_rule_surge_due</c> the instant its window first meets the test, then the
/// rule's effective date (when its flag closes), so a clock tick judges only the organisations due since the previous
/// tick and those changed since it. The rule calendar is the one shipped (<see cref="Policy.RuleCalendar"/>): a change
/// to it shows only after a rebuild. The batch is cut at its ticks and threshold changes, as rule 1's is.
/// </summary>
public sealed class PreRuleSurgeProjection(EventSerializer serializer) : IAsyncProjection
{
    public const string Prefix = "pre_rule_surge";
    public const string FlagsTable = Prefix + "_flags";
    private const string AcquisitionsTable = Prefix + "_acquired";
    private const string CountsTable = Prefix + "_counts";
    private static readonly DueIndex Due = new(Prefix + "_due");

    public string Name => Prefix;

    /// <summary>2: the acquisitions moved to <c>pre_rule_surge_acquired</c>, indexed by organisation, model and instant, and
    /// <c>pre_rule_surge_counts</c> joined them; a database built at 1 is rebuilt in the shadow on deploy.</summary>
    public int Version => 2;

    public IReadOnlyList<ProjectionTable> Tables { get; } =
    [
        FlagTable.Declare(FlagsTable),
        new(AcquisitionsTable,
            """
            (chip_id text not null, seq_id bigint not null, subject_id text not null, model_id text not null, acquired_at timestamptz not null,
             voided boolean not null, primary key (chip_id, seq_id, subject_id))
            """,
            ["(subject_id, model_id, acquired_at)", "(subject_id, acquired_at)"]),
        new(CountsTable,
            """
            (subject_id text not null, model_id text not null, acquired_at timestamptz not null, live bigint not null, first_seq_id bigint not null,
             primary key (subject_id, model_id, acquired_at))
            """),
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
            // As the table keeps it (microseconds), so a row read back compares equal to the one refolded.
            var at = PostgresTime.Truncate(a.At);
            rows.Add(new SurgeAcquisition(chip, a.SeqId, a.AcquirerId, a.ModelId, at, a.Voided));
            var parent = reference.DirectoryAt(a.SeqId).UltimateParentId(a.AcquirerId, a.At.InUtc().Date);
            if (parent != a.AcquirerId) rows.Add(new SurgeAcquisition(chip, a.SeqId, parent, a.ModelId, at, a.Voided));
        }

        // Only what changed is recounted and judged: a sale refolds the chip, but the maker's fabrication of it stands as
        // it was, and judging the maker again at every sale of its chips is what made this rule slow.
        var changed = new HashSet<SurgeAcquisition>(rows);
        await using (var delete = batch.CreateCommand(
            $"delete from {batch.Table(AcquisitionsTable)} where chip_id = any($1) returning chip_id, seq_id, subject_id, model_id, acquired_at, voided"))
        {
            delete.Parameters.Add(TouchedStreams.Texts(chips));
            await using var reader = await delete.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var old = new SurgeAcquisition(reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3),
                    reader.GetFieldValue<Instant>(4), reader.GetBoolean(5));
                if (!changed.Remove(old)) changed.Add(old);
            }
        }
        var touched = changed.Select(a => (Subject: a.SubjectId, Model: a.ModelId, a.At)).ToHashSet();
        var subjects = touched.Select(t => t.Subject).ToHashSet(StringComparer.Ordinal);
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
        await RecountAsync(batch, touched, cancellationToken);
        await JudgeAsync(batch, inputs, subjects, mayOpen: false, changed: true, cancellationToken);
    }

    /// <summary>The counts of the organisation, model and instant triples a refold touched, from their acquisitions as they now stand.</summary>
    private static async Task RecountAsync(AsyncProjectionBatch batch, IReadOnlyCollection<(string Subject, string Model, Instant At)> touched,
        CancellationToken cancellationToken)
    {
        if (touched.Count == 0) return;
        await using var recount = new NpgsqlBatch(batch.Connection, batch.Transaction);
        var keys = $"unnest($1::text[], $2::text[], $3::timestamptz[]) as k(subject_id, model_id, acquired_at)";
        var delete = new NpgsqlBatchCommand(
            $"delete from {batch.Table(CountsTable)} c using {keys} where (c.subject_id, c.model_id, c.acquired_at) = (k.subject_id, k.model_id, k.acquired_at)");
        var insert = new NpgsqlBatchCommand(
            $"""
            insert into {batch.Table(CountsTable)} (subject_id, model_id, acquired_at, live, first_seq_id)
            select a.subject_id, a.model_id, a.acquired_at, count(*) filter (where not a.voided), min(a.seq_id)
            from {batch.Table(AcquisitionsTable)} a join {keys} on (a.subject_id, a.model_id, a.acquired_at) = (k.subject_id, k.model_id, k.acquired_at)
            group by a.subject_id, a.model_id, a.acquired_at
            """);
        foreach (var command in new[] { delete, insert })
        {
            command.Parameters.Add(TouchedStreams.Texts(touched.Select(t => t.Subject)));
            command.Parameters.Add(TouchedStreams.Texts(touched.Select(t => t.Model)));
            command.Parameters.Add(new NpgsqlParameter<Instant[]> { TypedValue = [.. touched.Select(t => t.At)] });
            recount.BatchCommands.Add(command);
        }
        await recount.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>A changed surge threshold moves every organisation's first surge: each is judged again (a rare act).</summary>
    private static async Task RescheduleAsync(AsyncProjectionBatch batch, RuleInputs inputs, CancellationToken cancellationToken)
    {
        var subjects = new List<string>();
        await using (var command = batch.CreateCommand($"select distinct subject_id from {batch.Table(CountsTable)}"))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) subjects.Add(reader.GetString(0));
        }
        await JudgeAsync(batch, inputs, subjects, mayOpen: false, changed: true, cancellationToken);
    }

    /// <summary>
    /// Judges each organisation against every rule date from its counts, reads the window of each surge a flag stands
    /// on, and writes the flags and due instants.
    /// </summary>
    private static async Task JudgeAsync(
        AsyncProjectionBatch batch, RuleInputs inputs, IReadOnlyCollection<string> subjects, bool mayOpen, bool changed, CancellationToken cancellationToken)
    {
        var distinct = subjects.Distinct(StringComparer.Ordinal).ToArray();
        if (distinct.Length == 0) return;
        var counts = distinct.ToDictionary(s => s, _ => new List<AcquisitionCount>(), StringComparer.Ordinal);
        await using (var read = batch.CreateCommand(
            $"select subject_id, model_id, acquired_at, live, first_seq_id from {batch.Table(CountsTable)} where subject_id = any($1)"))
        {
            read.Parameters.Add(TouchedStreams.Texts(distinct));
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                counts[reader.GetString(0)].Add(new AcquisitionCount(reader.GetString(1), reader.GetFieldValue<Instant>(2), reader.GetInt64(3), reader.GetInt64(4)));
            }
        }
        var groups = distinct.SelectMany(s => PreRuleSurgeJudgement.Rules.Select(r => PreRuleSurgeJudgement.GroupKey(s, r))).ToList();
        var existing = await FlagTable.ReadByGroupAsync(batch, FlagsTable, groups, cancellationToken);
        var verdicts = new List<SurgeVerdict>();
        foreach (var (subject, subjectCounts) in counts)
        {
            foreach (var finding in PreRuleSurgeJudgement.Find(subject, subjectCounts, inputs.Thresholds))
            {
                var had = existing.GetValueOrDefault(finding.GroupKey);
                var window = PreRuleSurgeJudgement.NeedsWindow(finding, inputs.LatestTick, had, mayOpen)
                    ? await WindowAsync(batch, subject, finding, cancellationToken)
                    : [];
                verdicts.Add(PreRuleSurgeJudgement.Verdict(subject, finding, inputs.LatestTick, had, mayOpen, window));
            }
        }
        await FlagTable.UpsertAsync(batch, FlagsTable, [.. verdicts.Where(v => v.Flag is not null).Select(v => (v.GroupKey, v.Flag!))], cancellationToken);
        await Due.ScheduleAsync(batch, groups, [.. verdicts.Where(v => v.Due is not null).Select(v => new GroupDue(v.GroupKey, v.Due!.Value))], changed,
            cancellationToken);
    }

    /// <summary>The standing acquisitions of the surge's window, of the models its rule affects: the flag's evidence and chips.</summary>
    private static async Task<IReadOnlyList<SurgeAcquisition>> WindowAsync(
        AsyncProjectionBatch batch, string subject, SurgeFinding finding, CancellationToken cancellationToken)
    {
        var window = new List<SurgeAcquisition>();
        await using var read = batch.CreateCommand(
            $"""
            select chip_id, seq_id, model_id, acquired_at from {batch.Table(AcquisitionsTable)}
            where subject_id = $1 and not voided and acquired_at > $2 and acquired_at <= $3
            """);
        read.Parameters.Add(new NpgsqlParameter<string> { TypedValue = subject });
        read.Parameters.Add(new NpgsqlParameter<Instant> { TypedValue = finding.Surge!.WindowStart });
        read.Parameters.Add(new NpgsqlParameter<Instant> { TypedValue = finding.Surge.At });
        await using var reader = await read.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var acquisition = new SurgeAcquisition(reader.GetString(0), reader.GetInt64(1), subject, reader.GetString(2), reader.GetFieldValue<Instant>(3), false);
            if (PreRuleSurgeJudgement.Affects(finding.Rule, acquisition.ModelId)) window.Add(acquisition);
        }
        return window;
    }
}
