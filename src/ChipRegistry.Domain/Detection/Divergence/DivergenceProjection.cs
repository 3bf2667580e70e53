using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Detection.Clock;
using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Detection.Thresholds;
using ChipRegistry.Domain.Projections;
using ChipRegistry.Domain.Projections.Placements;
using ChipRegistry.EventStore;
using NodaTime;
using Npgsql;

namespace ChipRegistry.Domain.Detection.Divergence;

/// <summary>
/// Rule 5 on the daemon. Every chip a batch ships, delivers or installs is folded again
/// (<see cref="DivergentDelivery.ShipmentsOf"/>) and its divergent deliveries replaced (the bill-to party's country
/// read from its organisation stream as it stood when the shipment was recorded); each shipping act keeps in
/// <c>divergence_due</c> the instant it next falls due, so a clock tick judges only the acts due since the previous
/// tick and those changed since it, never every chip. The batch is cut at its ticks and threshold changes, as rule 1's is.
/// </summary>
public sealed class DivergenceProjection(EventSerializer serializer) : IAsyncProjection
{
    public const string Prefix = "divergence";
    public const string FlagsTable = Prefix + "_flags";
    private const string DeliveriesTable = Prefix + "_deliveries";
    private static readonly DueIndex Due = new(Prefix + "_due");

    private static readonly GroupedFacts<DivergentDelivery> Deliveries = new(DeliveriesTable,
        """
        chip_id, seq_id, shipper_id, consignee_id, bill_to_id, bill_to_country, destination_country, shipped_at, delivered_at, receipt_seq_id,
        installed_at, installation_seq_id, install_country, voided
        """,
        reader => new DivergentDelivery(reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
            reader.GetString(5), reader.GetString(6), reader.GetFieldValue<Instant>(7), reader.IsDBNull(8) ? null : reader.GetFieldValue<Instant>(8),
            reader.IsDBNull(9) ? null : reader.GetInt64(9), reader.IsDBNull(10) ? null : reader.GetFieldValue<Instant>(10),
            reader.IsDBNull(11) ? null : reader.GetInt64(11), reader.IsDBNull(12) ? null : reader.GetString(12), reader.GetBoolean(13)),
        FlagsTable);

    public string Name => Prefix;

    public IReadOnlyList<ProjectionTable> Tables { get; } =
    [
        FlagTable.Declare(FlagsTable),
        new(DeliveriesTable,
            """
            (chip_id text not null, seq_id bigint not null, group_key text not null, shipper_id text not null, consignee_id text not null,
             bill_to_id text not null, bill_to_country text not null, destination_country text not null, shipped_at timestamptz not null,
             delivered_at timestamptz, receipt_seq_id bigint, installed_at timestamptz, installation_seq_id bigint, install_country text,
             voided boolean not null, primary key (chip_id, seq_id))
            """,
            ["(group_key)"]),
        Due.Declare(),
        .. RuleInputs.Tables(Prefix),
    ];

    public async Task ApplyAsync(AsyncProjectionBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var inputs = await RuleInputs.LoadAsync(batch, Prefix, cancellationToken);
        var chips = batch.Events.Where(e => DivergentDelivery.Matters(e.Data)).Select(e => e.StreamKey).Distinct(StringComparer.Ordinal).ToArray();
        var streams = chips.Length == 0 ? [] : await TouchedStreams.ReadChipsAsync(batch, serializer, chips, cancellationToken);
        var reference = new ReferenceStreams(serializer);

        await DeadlineWalk.RunAsync(batch, inputs, DivergentDelivery.Matters,
            (chips, through) => RefoldAsync(batch, inputs, reference, streams, chips, through, cancellationToken),
            (previous, now) => TickAsync(batch, inputs, previous, now, cancellationToken),
            change => change.Threshold is DetectionThresholds.DivergenceInstallDays ? RescheduleAsync(batch, inputs, change.EffectiveFrom, cancellationToken) : Task.CompletedTask,
            cancellationToken);
    }

    private static async Task RefoldAsync(
        AsyncProjectionBatch batch, RuleInputs inputs, ReferenceStreams reference, Dictionary<string, List<SequencedChipEvent>> streams,
        string[] chips, long throughSeqId, CancellationToken cancellationToken)
    {
        var shipments = chips.SelectMany(chip => DivergentDelivery.ShipmentsOf(chip, [.. streams.GetValueOrDefault(chip, []).Where(e => e.SeqId <= throughSeqId)]))
            .ToList();
        await reference.LoadOrganisationsAsync(batch, shipments.Select(s => s.Shipped.BillToId).Distinct(StringComparer.Ordinal), cancellationToken);
        var rows = new List<DivergentDelivery>();
        foreach (var s in shipments)
        {
            if (reference.DirectoryAt(s.SeqId).Find(s.Shipped.BillToId) is not { } billTo) continue;
            var row = new DivergentDelivery(s.Shipped.ChipId, s.SeqId, s.Shipped.RecordedBy, s.Shipped.ConsigneeId, billTo.Id, billTo.Country,
                s.Shipped.DestinationCountry, s.Shipped.OccurredAt, s.Receipt?.At, s.Receipt?.SeqId, s.Installation?.At, s.Installation?.SeqId,
                s.Installation?.Country, s.Voided);
            if (row.Diverges) rows.Add(row);
        }

        var groups = new HashSet<string>(rows.Select(r => r.GroupKey), StringComparer.Ordinal);
        await using (var delete = batch.CreateCommand($"delete from {batch.Table(DeliveriesTable)} where chip_id = any($1) returning group_key"))
        {
            delete.Parameters.Add(TouchedStreams.Texts(chips));
            await using var reader = await delete.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) groups.Add(reader.GetString(0));
        }
        if (rows.Count > 0)
        {
            await using var insert = batch.CreateCommand(
                $"""
                insert into {batch.Table(DeliveriesTable)} (chip_id, seq_id, group_key, shipper_id, consignee_id, bill_to_id, bill_to_country,
                    destination_country, shipped_at, delivered_at, receipt_seq_id, installed_at, installation_seq_id, install_country, voided)
                select * from unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::timestamptz[],
                    $10::timestamptz[], $11::bigint[], $12::timestamptz[], $13::bigint[], $14::text[], $15::boolean[])
                """);
            var p = insert.Parameters;
            p.Add(TouchedStreams.Texts(rows.Select(r => r.ChipId)));
            p.Add(new NpgsqlParameter<long[]> { TypedValue = [.. rows.Select(r => r.SeqId)] });
            p.Add(TouchedStreams.Texts(rows.Select(r => r.GroupKey)));
            p.Add(TouchedStreams.Texts(rows.Select(r => r.ShipperId)));
            p.Add(TouchedStreams.Texts(rows.Select(r => r.ConsigneeId)));
            p.Add(TouchedStreams.Texts(rows.Select(r => r.BillToId)));
            p.Add(TouchedStreams.Texts(rows.Select(r => r.BillToCountry)));
            p.Add(TouchedStreams.Texts(rows.Select(r => r.DestinationCountry)));
            p.Add(new NpgsqlParameter<Instant[]> { TypedValue = [.. rows.Select(r => r.ShippedAt)] });
            p.Add(new NpgsqlParameter<Instant?[]> { TypedValue = [.. rows.Select(r => r.DeliveredAt)] });
            p.Add(new NpgsqlParameter<long?[]> { TypedValue = [.. rows.Select(r => r.ReceiptSeqId)] });
            p.Add(new NpgsqlParameter<Instant?[]> { TypedValue = [.. rows.Select(r => r.InstalledAt)] });
            p.Add(new NpgsqlParameter<long?[]> { TypedValue = [.. rows.Select(r => r.InstallationSeqId)] });
            p.Add(TouchedStreams.Texts(rows.Select(r => r.InstallCountry)));
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

    /// <summary>A changed deadline threshold moves the deadlines of the chips delivered from its effective instant on.</summary>
    private static async Task RescheduleAsync(AsyncProjectionBatch batch, RuleInputs inputs, Instant effectiveFrom, CancellationToken cancellationToken)
    {
        var groups = await Deliveries.GroupsWhereAsync(batch, "delivered_at >= $1", cancellationToken, new NpgsqlParameter<Instant> { TypedValue = effectiveFrom });
        await JudgeAsync(batch, inputs, groups, mayOpen: false, markChanged: true, cancellationToken);
    }

    private static async Task JudgeAsync(
        AsyncProjectionBatch batch, RuleInputs inputs, IReadOnlyCollection<string> groups, bool mayOpen, bool markChanged, CancellationToken cancellationToken)
    {
        await Deliveries.JudgeAndScheduleAsync(batch, groups,
            (rows, existing) => DivergenceJudgement.Judge(rows, inputs.Thresholds, inputs.LatestTick, existing, mayOpen), Due, markChanged, cancellationToken);
    }
}
