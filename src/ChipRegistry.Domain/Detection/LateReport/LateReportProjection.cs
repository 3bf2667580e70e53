using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Detection.Clock;
using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Detection.Thresholds;
using ChipRegistry.Domain.Projections;
using ChipRegistry.EventStore;
using NodaTime;
using Npgsql;

namespace ChipRegistry.Domain.Detection.LateReport;

/// <summary>
/// Rule 17 on the daemon. The batch's events are walked in sequence order beside the clock: a shipment or receipt is
/// recorded at the latest tick before it, judged once there (late by the threshold in force at that tick, or a licence
/// answer that differs between its stated and recorded dates) and kept only when it is. A void marks its event and the
/// act is judged again. Nothing is due later, so the rule keeps no due index: a recorded event's lateness never changes.
/// </summary>
public sealed class LateReportProjection(EventSerializer serializer) : IAsyncProjection
{
    public const string Prefix = "late_report";
    public const string FlagsTable = Prefix + "_flags";
    private const string ReportsTable = Prefix + "_reports";

    private static readonly GroupedFacts<LateReportFact> Reports = new(ReportsTable,
        "event_id, chip_id, seq_id, kind, recorder_id, country, business_at, recorded_at, threshold_days, verdict_on_stated_date, verdict_on_recorded_date, voided",
        reader => new LateReportFact(reader.GetGuid(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3), reader.GetString(4),
            reader.GetString(5), reader.GetFieldValue<Instant>(6), reader.GetFieldValue<Instant>(7), reader.GetDecimal(8),
            reader.IsDBNull(9) ? null : reader.GetString(9), reader.IsDBNull(10) ? null : reader.GetString(10), reader.GetBoolean(11)),
        FlagsTable);

    public string Name => Prefix;

    public IReadOnlyList<ProjectionTable> Tables { get; } =
    [
        FlagTable.Declare(FlagsTable),
        new(ReportsTable,
            """
            (event_id uuid primary key, chip_id text not null, seq_id bigint not null, group_key text not null, kind text not null,
             recorder_id text not null, country text not null, business_at timestamptz not null, recorded_at timestamptz not null,
             threshold_days numeric not null, verdict_on_stated_date text, verdict_on_recorded_date text, voided boolean not null)
            """,
            ["(group_key)"]),
        .. RuleInputs.Tables(Prefix),
    ];

    public async Task ApplyAsync(AsyncProjectionBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var inputs = await RuleInputs.LoadAsync(batch, Prefix, cancellationToken);
        // Before the first tick nothing has a recorded instant, so a replay without ticks reads no reference streams.
        var judged = inputs.LatestTick is not null || batch.Events.Any(e => e.Data is ClockTicked);
        var shipments = judged ? batch.Events.Select(e => e.Data).OfType<ChipShipped>().ToList() : [];
        var licence = await LateReportLicence.LoadAsync(batch, serializer, shipments, cancellationToken);

        var facts = new List<LateReportFact>();
        var voids = new List<Guid>();
        foreach (var e in batch.Events)
        {
            switch (e.Data)
            {
                case ClockTicked tick:
                    inputs.Tick(tick.OccurredAt);
                    break;
                case DetectionThresholdChanged change:
                    inputs.Change(e.SeqId, change);
                    break;
                case ChipEventVoided v:
                    voids.Add(v.VoidedEventId);
                    break;
                case ChipShipped s when inputs.LatestTick is { } recorded:
                    var stated = s.OccurredAt.InUtc().Date == recorded.InUtc().Date ? null : licence.VerdictAt(s, e.SeqId, s.OccurredAt);
                    var then = stated is null ? null : licence.VerdictAt(s, e.SeqId, recorded);
                    Keep(facts, new LateReportFact(s.EventId, s.ChipId, e.SeqId, LateReportFact.Shipment, s.RecordedBy, s.DestinationCountry,
                        s.OccurredAt, recorded, Threshold(inputs, recorded), stated, then ?? stated, false));
                    break;
                case ChipReceived r when inputs.LatestTick is { } recorded:
                    Keep(facts, new LateReportFact(r.EventId, r.ChipId, e.SeqId, LateReportFact.Receipt, r.RecordedBy, r.Country,
                        r.OccurredAt, recorded, Threshold(inputs, recorded), null, null, false));
                    break;
            }
        }
        await inputs.SaveAsync(batch, cancellationToken);
        if (facts.Count == 0 && voids.Count == 0) return;

        var groups = new HashSet<string>(facts.Select(f => f.GroupKey), StringComparer.Ordinal);
        if (facts.Count > 0) await InsertAsync(batch, facts, cancellationToken);
        if (voids.Count > 0)
        {
            await using var voided = batch.CreateCommand($"update {batch.Table(ReportsTable)} set voided = true where event_id = any($1) returning group_key");
            voided.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. voids] });
            await using var reader = await voided.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) groups.Add(reader.GetString(0));
        }
        await Reports.JudgeAsync(batch, groups, LateReportJudgement.Judge, cancellationToken);
    }

    /// <summary>The threshold in force at the recorded instant: the rule judges a report when it is recorded.</summary>
    private static decimal Threshold(RuleInputs inputs, Instant recorded) => inputs.Thresholds.NumberAt(DetectionThresholds.LateReportDays, recorded);

    private static void Keep(List<LateReportFact> facts, LateReportFact fact)
    {
        if (fact.Late || fact.LicenceAnswerDiffers) facts.Add(fact);
    }

    private static async Task InsertAsync(AsyncProjectionBatch batch, List<LateReportFact> facts, CancellationToken cancellationToken)
    {
        await using var insert = batch.CreateCommand(
            $"""
            insert into {batch.Table(ReportsTable)} (event_id, chip_id, seq_id, group_key, kind, recorder_id, country, business_at, recorded_at,
                threshold_days, verdict_on_stated_date, verdict_on_recorded_date, voided)
            select * from unnest($1::uuid[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[],
                $9::timestamptz[], $10::numeric[], $11::text[], $12::text[], $13::boolean[])
            on conflict (event_id) do nothing
            """);
        var p = insert.Parameters;
        p.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. facts.Select(f => f.EventId)] });
        p.Add(TouchedStreams.Texts(facts.Select(f => f.ChipId)));
        p.Add(new NpgsqlParameter<long[]> { TypedValue = [.. facts.Select(f => f.SeqId)] });
        p.Add(TouchedStreams.Texts(facts.Select(f => f.GroupKey)));
        p.Add(TouchedStreams.Texts(facts.Select(f => f.Kind)));
        p.Add(TouchedStreams.Texts(facts.Select(f => f.RecorderId)));
        p.Add(TouchedStreams.Texts(facts.Select(f => f.Country)));
        p.Add(new NpgsqlParameter<Instant[]> { TypedValue = [.. facts.Select(f => f.BusinessAt)] });
        p.Add(new NpgsqlParameter<Instant[]> { TypedValue = [.. facts.Select(f => f.RecordedAt)] });
        p.Add(new NpgsqlParameter<decimal[]> { TypedValue = [.. facts.Select(f => f.ThresholdDays)] });
        p.Add(TouchedStreams.Texts(facts.Select(f => f.VerdictOnStatedDate)));
        p.Add(TouchedStreams.Texts(facts.Select(f => f.VerdictOnRecordedDate)));
        p.Add(new NpgsqlParameter<bool[]> { TypedValue = [.. facts.Select(f => f.Voided)] });
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }
}
