using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Policy;
using ChipRegistry.Domain.Projections;
using ChipRegistry.EventStore;
using NodaTime;
using Npgsql;

namespace ChipRegistry.Domain.Detection.PayerJurisdiction;

/// <summary>
/// Rule 4 on the daemon. Every chip a batch ships (or voids an event of) is folded again and its restricted-payer
/// shipments replaced; the acts they left and joined are judged again. The payer's and consignee's countries and the
/// payer's ultimate parent are read from the organisation streams as they stood when the shipment was recorded. It
/// reads neither ticks nor thresholds: a flag opens at the shipment's own business time.
/// </summary>
public sealed class PayerJurisdictionProjection(EventSerializer serializer) : IAsyncProjection
{
    public const string Prefix = "payer_jurisdiction";
    public const string FlagsTable = Prefix + "_flags";
    private const string ShipmentsTable = Prefix + "_shipments";

    private static readonly GroupedFacts<RestrictedPayerShipment> Shipments = new(ShipmentsTable,
        """
        chip_id, seq_id, shipper_id, payer_id, payer_country, payer_parent_id, payer_parent_country, consignee_id, consignee_country,
        destination_country, shipped_at, voided
        """,
        reader => new RestrictedPayerShipment(reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
            reader.GetString(5), reader.GetString(6), reader.GetString(7), reader.GetString(8), reader.GetString(9), reader.GetFieldValue<Instant>(10),
            reader.GetBoolean(11)),
        FlagsTable);

    public string Name => Prefix;

    public IReadOnlyList<ProjectionTable> Tables { get; } =
    [
        FlagTable.Declare(FlagsTable),
        new(ShipmentsTable,
            """
            (chip_id text not null, seq_id bigint not null, group_key text not null, shipper_id text not null, payer_id text not null,
             payer_country text not null, payer_parent_id text not null, payer_parent_country text not null, consignee_id text not null,
             consignee_country text not null, destination_country text not null, shipped_at timestamptz not null, voided boolean not null,
             primary key (chip_id, seq_id))
            """,
            ["(group_key)"]),
    ];

    public async Task ApplyAsync(AsyncProjectionBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var chips = batch.Events.Where(e => e.Data is ChipShipped or ChipEventVoided).Select(e => e.StreamKey).Distinct(StringComparer.Ordinal).ToArray();
        if (chips.Length == 0) return;
        var streams = await TouchedStreams.ReadChipsAsync(batch, serializer, chips, cancellationToken);
        var shipments = new List<(long SeqId, ChipShipped Shipment, bool Voided)>();
        foreach (var chip in chips)
        {
            var stream = streams.GetValueOrDefault(chip, []);
            var history = ChipHistory.Fold(chip, stream.Select(e => e.Event));
            shipments.AddRange(stream.Where(e => e.Event is ChipShipped).Select(e => (e.SeqId, (ChipShipped)e.Event, history.Voided.Contains(e.Event.EventId))));
        }
        var reference = new ReferenceStreams(serializer);
        await reference.LoadOrganisationsAsync(batch, shipments.SelectMany(s => new[] { s.Shipment.PayerId, s.Shipment.ConsigneeId }).Distinct(StringComparer.Ordinal),
            cancellationToken);
        var rows = new List<RestrictedPayerShipment>();
        foreach (var (seqId, s, voided) in shipments)
        {
            var date = s.OccurredAt.InUtc().Date;
            var directory = reference.DirectoryAt(seqId);
            if (directory.Jurisdiction(s.PayerId, date) is not { } payer || directory.Jurisdiction(s.ConsigneeId, date) is not { } consignee) continue;
            var payerRestricted = Restricted(payer.Country, date) || Restricted(payer.UltimateParentCountry, date);
            if (!payerRestricted || Restricted(consignee.Country, date)) continue;
            rows.Add(new RestrictedPayerShipment(s.ChipId, seqId, s.RecordedBy, s.PayerId, payer.Country, payer.UltimateParentId, payer.UltimateParentCountry,
                s.ConsigneeId, consignee.Country, s.DestinationCountry, s.OccurredAt, voided));
        }

        var groups = new HashSet<string>(rows.Select(r => r.GroupKey), StringComparer.Ordinal);
        await using (var delete = batch.CreateCommand($"delete from {batch.Table(ShipmentsTable)} where chip_id = any($1) returning group_key"))
        {
            delete.Parameters.Add(TouchedStreams.Texts(chips));
            await using var reader = await delete.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) groups.Add(reader.GetString(0));
        }
        if (rows.Count > 0) await InsertAsync(batch, rows, cancellationToken);
        await Shipments.JudgeAsync(batch, groups, PayerJurisdictionJudgement.Judge, cancellationToken);
    }

    /// <summary>D:5 or Macau on the date, Hong Kong as China.</summary>
    private static bool Restricted(string country, LocalDate date) => CountryGroups.IsD5OrMacau(Countries.AsTreatedByEar(country), date);

    private static async Task InsertAsync(AsyncProjectionBatch batch, List<RestrictedPayerShipment> rows, CancellationToken cancellationToken)
    {
        await using var insert = batch.CreateCommand(
            $"""
            insert into {batch.Table(ShipmentsTable)} (chip_id, seq_id, group_key, shipper_id, payer_id, payer_country, payer_parent_id,
                payer_parent_country, consignee_id, consignee_country, destination_country, shipped_at, voided)
            select * from unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                $10::text[], $11::text[], $12::timestamptz[], $13::boolean[])
            """);
        var p = insert.Parameters;
        p.Add(TouchedStreams.Texts(rows.Select(r => r.ChipId)));
        p.Add(new NpgsqlParameter<long[]> { TypedValue = [.. rows.Select(r => r.SeqId)] });
        p.Add(TouchedStreams.Texts(rows.Select(r => r.GroupKey)));
        p.Add(TouchedStreams.Texts(rows.Select(r => r.ShipperId)));
        p.Add(TouchedStreams.Texts(rows.Select(r => r.PayerId)));
        p.Add(TouchedStreams.Texts(rows.Select(r => r.PayerCountry)));
        p.Add(TouchedStreams.Texts(rows.Select(r => r.PayerParentId)));
        p.Add(TouchedStreams.Texts(rows.Select(r => r.PayerParentCountry)));
        p.Add(TouchedStreams.Texts(rows.Select(r => r.ConsigneeId)));
        p.Add(TouchedStreams.Texts(rows.Select(r => r.ConsigneeCountry)));
        p.Add(TouchedStreams.Texts(rows.Select(r => r.DestinationCountry)));
        p.Add(new NpgsqlParameter<Instant[]> { TypedValue = [.. rows.Select(r => r.ShippedAt)] });
        p.Add(new NpgsqlParameter<bool[]> { TypedValue = [.. rows.Select(r => r.Voided)] });
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }
}
