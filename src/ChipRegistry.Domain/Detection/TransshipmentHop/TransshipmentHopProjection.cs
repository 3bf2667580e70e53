using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Detection.Thresholds;
using ChipRegistry.Domain.Projections;
using ChipRegistry.Domain.Projections.Placements;
using ChipRegistry.EventStore;
using NodaTime;
using Npgsql;

namespace ChipRegistry.Domain.Detection.TransshipmentHop;

/// <summary>
/// Rule 6 on the daemon. Every chip a batch receives, ships or voids an event of is folded again
/// (<see cref="HubReexport.Of"/>) and its quick re-exports from hubs replaced; the acts they left and joined are judged
/// again. It reads no ticks (a flag opens at the re-export's own business time); a threshold change cuts the batch, so
/// what is folded before it is judged by the hubs and window that stood then, whatever the batch boundaries.
/// </summary>
public sealed class TransshipmentHopProjection(EventSerializer serializer) : IAsyncProjection
{
    public const string Prefix = "transshipment_hop";
    public const string FlagsTable = Prefix + "_flags";
    private const string ReexportsTable = Prefix + "_reexports";

    private static readonly GroupedFacts<HubReexport> Reexports = new(ReexportsTable,
        "chip_id, seq_id, arrival_seq_id, shipper_id, hub_country, arrived_at, destination_country, consignee_id, shipped_at, window_days, voided",
        reader => new HubReexport(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetString(3), reader.GetString(4),
            reader.GetFieldValue<Instant>(5), reader.GetString(6), reader.GetString(7), reader.GetFieldValue<Instant>(8), reader.GetDecimal(9),
            reader.GetBoolean(10)),
        FlagsTable);

    public string Name => Prefix;

    public IReadOnlyList<ProjectionTable> Tables { get; } =
    [
        FlagTable.Declare(FlagsTable),
        new(ReexportsTable,
            """
            (chip_id text not null, seq_id bigint not null, group_key text not null, arrival_seq_id bigint not null, shipper_id text not null,
             hub_country text not null, arrived_at timestamptz not null, destination_country text not null, consignee_id text not null,
             shipped_at timestamptz not null, window_days numeric not null, voided boolean not null, primary key (chip_id, seq_id))
            """,
            ["(group_key)"]),
        .. RuleInputs.Tables(Prefix),
    ];

    private static bool Matters(object data) => data is ChipReceived or ChipShipped or ChipReturned or ChipEventVoided;

    public async Task ApplyAsync(AsyncProjectionBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var inputs = await RuleInputs.LoadAsync(batch, Prefix, cancellationToken);
        var chips = batch.Events.Where(e => Matters(e.Data)).Select(e => e.StreamKey).Distinct(StringComparer.Ordinal).ToArray();
        var streams = chips.Length == 0 ? [] : await TouchedStreams.ReadChipsAsync(batch, serializer, chips, cancellationToken);

        var touched = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in batch.Events)
        {
            switch (e.Data)
            {
                case var data when Matters(data):
                    touched.Add(e.StreamKey);
                    break;
                case DetectionThresholdChanged change:
                    await RefoldAsync(batch, inputs, streams, touched, e.SeqId, cancellationToken);
                    inputs.Change(e.SeqId, change);
                    break;
            }
        }
        await RefoldAsync(batch, inputs, streams, touched, batch.ThroughSeqId, cancellationToken);
        await inputs.SaveAsync(batch, cancellationToken);
    }

    private static async Task RefoldAsync(
        AsyncProjectionBatch batch, RuleInputs inputs, Dictionary<string, List<SequencedChipEvent>> streams, HashSet<string> touched,
        long throughSeqId, CancellationToken cancellationToken)
    {
        if (touched.Count == 0) return;
        var chips = touched.ToArray();
        touched.Clear();
        var rows = chips.SelectMany(chip => HubReexport.Of(chip, [.. streams.GetValueOrDefault(chip, []).Where(e => e.SeqId <= throughSeqId)], inputs.Thresholds))
            .ToList();

        var groups = new HashSet<string>(rows.Select(r => r.GroupKey), StringComparer.Ordinal);
        await using (var delete = batch.CreateCommand($"delete from {batch.Table(ReexportsTable)} where chip_id = any($1) returning group_key"))
        {
            delete.Parameters.Add(TouchedStreams.Texts(chips));
            await using var reader = await delete.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) groups.Add(reader.GetString(0));
        }
        if (rows.Count > 0)
        {
            await using var insert = batch.CreateCommand(
                $"""
                insert into {batch.Table(ReexportsTable)} (chip_id, seq_id, group_key, arrival_seq_id, shipper_id, hub_country, arrived_at,
                    destination_country, consignee_id, shipped_at, window_days, voided)
                select * from unnest($1::text[], $2::bigint[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::timestamptz[], $8::text[],
                    $9::text[], $10::timestamptz[], $11::numeric[], $12::boolean[])
                """);
            var p = insert.Parameters;
            p.Add(TouchedStreams.Texts(rows.Select(r => r.ChipId)));
            p.Add(new NpgsqlParameter<long[]> { TypedValue = [.. rows.Select(r => r.SeqId)] });
            p.Add(TouchedStreams.Texts(rows.Select(r => r.GroupKey)));
            p.Add(new NpgsqlParameter<long[]> { TypedValue = [.. rows.Select(r => r.ArrivalSeqId)] });
            p.Add(TouchedStreams.Texts(rows.Select(r => r.ShipperId)));
            p.Add(TouchedStreams.Texts(rows.Select(r => r.HubCountry)));
            p.Add(new NpgsqlParameter<Instant[]> { TypedValue = [.. rows.Select(r => r.ArrivedAt)] });
            p.Add(TouchedStreams.Texts(rows.Select(r => r.DestinationCountry)));
            p.Add(TouchedStreams.Texts(rows.Select(r => r.ConsigneeId)));
            p.Add(new NpgsqlParameter<Instant[]> { TypedValue = [.. rows.Select(r => r.ShippedAt)] });
            p.Add(new NpgsqlParameter<decimal[]> { TypedValue = [.. rows.Select(r => r.WindowDays)] });
            p.Add(new NpgsqlParameter<bool[]> { TypedValue = [.. rows.Select(r => r.Voided)] });
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await Reexports.JudgeAsync(batch, groups, TransshipmentHopJudgement.Judge, cancellationToken);
    }
}
