using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Detection.Clock;
using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Detection.Thresholds;
using ChipRegistry.Domain.Projections;
using ChipRegistry.Domain.Projections.Placements;
using ChipRegistry.EventStore;
using NodaTime;
using Npgsql;

namespace ChipRegistry.Domain.Detection.CustodyGap;

/// <summary>
/// Rule 1 on the daemon. Every chip a batch touches is folded again (<see cref="CustodyGapFold"/>) and its shipments
/// replaced; each shipping act keeps its deadline in <c>custody_gap_due</c>, indexed by due time. A clock tick judges
/// only the acts that fell due since the previous tick (an index range) and those whose facts changed since it, so a
/// tick never scans every chip. The batch is cut at its ticks: what a tick judges is folded up to that tick, so
/// flags (and withdrawals) come out the same whatever the batch boundaries, in a rebuild too.
/// </summary>
public sealed class CustodyGapProjection(EventSerializer serializer) : IAsyncProjection
{
    public const string Prefix = "custody_gap";
    public const string FlagsTable = Prefix + "_flags";
    private const string ShipmentsTable = Prefix + "_shipments";
    private static readonly DueIndex Due = new(Prefix + "_due", "shipped_at");

    private static readonly GroupedFacts<CustodyGapShipment> Shipments = new(ShipmentsTable,
        "chip_id, seq_id, shipper_id, origin_country, consignee_id, destination_country, shipped_at, received_at, receipt_seq_id, voided",
        reader => new CustodyGapShipment(reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
            reader.GetString(4), reader.GetString(5), reader.GetFieldValue<Instant>(6), reader.IsDBNull(7) ? null : reader.GetFieldValue<Instant>(7),
            reader.IsDBNull(8) ? null : reader.GetInt64(8), reader.GetBoolean(9)),
        FlagsTable);

    public string Name => Prefix;

    public IReadOnlyList<ProjectionTable> Tables { get; } =
    [
        FlagTable.Declare(FlagsTable),
        new(ShipmentsTable,
            """
            (chip_id text not null, seq_id bigint not null, group_key text not null, shipper_id text not null, origin_country text,
             consignee_id text not null, destination_country text not null, shipped_at timestamptz not null, received_at timestamptz,
             receipt_seq_id bigint, voided boolean not null, primary key (chip_id, seq_id))
            """,
            ["(group_key)"]),
        Due.Declare(),
        .. RuleInputs.Tables(Prefix),
    ];

    public async Task ApplyAsync(AsyncProjectionBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var inputs = await RuleInputs.LoadAsync(batch, Prefix, cancellationToken);
        var chips = batch.Events.Where(e => e.Data is IChipEvent and not (ChipLocationAttested or ChipTenantAssigned))
            .Select(e => e.StreamKey).Distinct(StringComparer.Ordinal).ToArray();
        var streams = chips.Length == 0 ? [] : await TouchedStreams.ReadChipsAsync(batch, serializer, chips, cancellationToken);

        await DeadlineWalk.RunAsync(batch, inputs, data => data is IChipEvent and not (ChipLocationAttested or ChipTenantAssigned),
            (chips, through) => RefoldAsync(batch, inputs, streams, chips, through, cancellationToken),
            (previous, now) => TickAsync(batch, inputs, previous, now, cancellationToken),
            change => change.Threshold is DetectionThresholds.CustodyGapInternationalDays or DetectionThresholds.CustodyGapDomesticDays
                ? RescheduleAsync(batch, inputs, change.EffectiveFrom, cancellationToken)
                : Task.CompletedTask,
            cancellationToken);
    }

    /// <summary>Folds the touched chips up to <paramref name="throughSeqId"/>, replaces their shipments and re-judges the acts they belong to.</summary>
    private async Task RefoldAsync(
        AsyncProjectionBatch batch, RuleInputs inputs, Dictionary<string, List<SequencedChipEvent>> streams, string[] chips,
        long throughSeqId, CancellationToken cancellationToken)
    {
        var rows = chips.SelectMany(chip => CustodyGapFold.Of(chip, [.. streams.GetValueOrDefault(chip, []).Where(e => e.SeqId <= throughSeqId)])).ToList();

        var groups = new HashSet<string>(rows.Select(r => r.GroupKey), StringComparer.Ordinal);
        await using (var delete = batch.CreateCommand($"delete from {batch.Table(ShipmentsTable)} where chip_id = any($1) returning group_key"))
        {
            delete.Parameters.Add(TouchedStreams.Texts(chips));
            await using var reader = await delete.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) groups.Add(reader.GetString(0));
        }
        if (rows.Count > 0)
        {
            await using var insert = batch.CreateCommand(
                $"""
                insert into {batch.Table(ShipmentsTable)} (chip_id, seq_id, group_key, shipper_id, origin_country, consignee_id, destination_country,
                    shipped_at, received_at, receipt_seq_id, voided)
                select * from unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[],
                    $9::timestamptz[], $10::bigint[], $11::boolean[])
                """);
            var p = insert.Parameters;
            p.Add(TouchedStreams.Texts(rows.Select(r => r.ChipId)));
            p.Add(new NpgsqlParameter<long[]> { TypedValue = [.. rows.Select(r => r.SeqId)] });
            p.Add(TouchedStreams.Texts(rows.Select(r => r.GroupKey)));
            p.Add(TouchedStreams.Texts(rows.Select(r => r.ShipperId)));
            p.Add(TouchedStreams.Texts(rows.Select(r => r.OriginCountry)));
            p.Add(TouchedStreams.Texts(rows.Select(r => r.ConsigneeId)));
            p.Add(TouchedStreams.Texts(rows.Select(r => r.DestinationCountry)));
            p.Add(new NpgsqlParameter<Instant[]> { TypedValue = [.. rows.Select(r => r.ShippedAt)] });
            p.Add(new NpgsqlParameter<Instant?[]> { TypedValue = [.. rows.Select(r => r.ReceivedAt)] });
            p.Add(new NpgsqlParameter<long?[]> { TypedValue = [.. rows.Select(r => r.ReceiptSeqId)] });
            p.Add(new NpgsqlParameter<bool[]> { TypedValue = [.. rows.Select(r => r.Voided)] });
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await JudgeAsync(batch, inputs, groups, mayOpen: false, markChanged: true, cancellationToken);
    }

    /// <summary>A tick judges the acts due since the previous tick and those changed since it, and nothing else.</summary>
    private static async Task TickAsync(AsyncProjectionBatch batch, RuleInputs inputs, Instant? previous, Instant now, CancellationToken cancellationToken)
    {
        var groups = await Due.FellDueAsync(batch, previous, now, cancellationToken);
        await JudgeAsync(batch, inputs, groups, mayOpen: true, markChanged: false, cancellationToken);
    }

    /// <summary>A changed deadline threshold moves the deadlines of the acts shipped from its effective instant on.</summary>
    private static async Task RescheduleAsync(AsyncProjectionBatch batch, RuleInputs inputs, Instant effectiveFrom, CancellationToken cancellationToken)
    {
        var groups = await Due.AnchoredFromAsync(batch, effectiveFrom, cancellationToken);
        await JudgeAsync(batch, inputs, groups, mayOpen: false, markChanged: true, cancellationToken);
    }

    private static async Task JudgeAsync(
        AsyncProjectionBatch batch, RuleInputs inputs, IReadOnlyCollection<string> groups, bool mayOpen, bool markChanged, CancellationToken cancellationToken)
    {
        if (groups.Count == 0) return;
        var shipments = await Shipments.JudgeAsync(batch, groups,
            (rows, existing) => CustodyGapJudgement.Judge(rows, inputs.Thresholds, inputs.LatestTick, existing, mayOpen), cancellationToken);

        var scheduled = shipments.Where(s => s.Value.Count > 0).Select(s => (Group: s.Key, First: s.Value.MinBy(r => r.SeqId)!))
            .Select(s => new GroupDue(s.Group, CustodyGapJudgement.Deadline(s.First, inputs.Thresholds).Due, s.First.ShippedAt)).ToList();
        await Due.ScheduleAsync(batch, shipments.Keys, scheduled, markChanged, cancellationToken);
    }
}
