using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Licences;
using ChipRegistry.Domain.Projections;
using ChipRegistry.EventStore;
using NodaTime;
using Npgsql;

namespace ChipRegistry.Domain.Detection.LicenceCheckFailed;

/// <summary>
/// Rule 16 on the daemon. It needs no fold: a shipment carries its own check result and its shipper (the custodian
/// that recorded it), and a void names the event it voids. Per batch, the failed shipments are inserted, voids mark
/// theirs, and the acts they belong to are judged again. It reads neither ticks nor thresholds: it fires at the
/// shipment's own business time.
/// </summary>
public sealed class LicenceCheckFailedProjection : IAsyncProjection
{
    public const string Prefix = "licence_check";
    public const string FlagsTable = Prefix + "_flags";
    public const string ShipmentsTable = Prefix + "_shipments";

    private static readonly GroupedFacts<FailedLicenceCheck> Shipments = new(ShipmentsTable,
        "event_id, chip_id, seq_id, shipper_id, consignee_id, destination_country, shipped_at, result, detail, voided",
        reader => new FailedLicenceCheck(reader.GetGuid(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3), reader.GetString(4),
            reader.GetString(5), reader.GetFieldValue<Instant>(6), reader.GetString(7), reader.GetString(8), reader.GetBoolean(9)),
        FlagsTable);

    public string Name => Prefix;

    public IReadOnlyList<ProjectionTable> Tables { get; } =
    [
        FlagTable.Declare(FlagsTable),
        new(ShipmentsTable,
            """
            (event_id uuid primary key, chip_id text not null, seq_id bigint not null, group_key text not null, shipper_id text not null,
             consignee_id text not null, destination_country text not null, shipped_at timestamptz not null, result text not null,
             detail text not null, voided boolean not null)
            """,
            // The chip search pages in (seq_id, chip_id) order: without this index each page sorted every failed check.
            ["(group_key)", "(seq_id, chip_id)"]),
    ];

    public async Task ApplyAsync(AsyncProjectionBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var failed = new List<FailedLicenceCheck>();
        foreach (var e in batch.Events)
        {
            if (e.Data is ChipShipped s && FailedLicenceCheck.Fails(s.LicenceCheck))
            {
                failed.Add(new FailedLicenceCheck(s.EventId, s.ChipId, e.SeqId, s.RecordedBy, s.ConsigneeId, s.DestinationCountry, s.OccurredAt,
                    s.LicenceCheck.ToCode(), s.LicenceCheckDetail, false));
            }
        }
        var voids = batch.Events.Select(e => e.Data).OfType<ChipEventVoided>().Select(v => v.VoidedEventId).ToArray();
        if (failed.Count == 0 && voids.Length == 0) return;

        var groups = new HashSet<string>(failed.Select(f => f.GroupKey), StringComparer.Ordinal);
        if (failed.Count > 0)
        {
            await using var insert = batch.CreateCommand(
                $"""
                insert into {batch.Table(ShipmentsTable)} (event_id, chip_id, seq_id, group_key, shipper_id, consignee_id, destination_country,
                    shipped_at, result, detail, voided)
                select * from unnest($1::uuid[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[],
                    $9::text[], $10::text[], $11::boolean[])
                on conflict (event_id) do nothing
                """);
            var p = insert.Parameters;
            p.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. failed.Select(f => f.EventId)] });
            p.Add(TouchedStreams.Texts(failed.Select(f => f.ChipId)));
            p.Add(new NpgsqlParameter<long[]> { TypedValue = [.. failed.Select(f => f.SeqId)] });
            p.Add(TouchedStreams.Texts(failed.Select(f => f.GroupKey)));
            p.Add(TouchedStreams.Texts(failed.Select(f => f.ShipperId)));
            p.Add(TouchedStreams.Texts(failed.Select(f => f.ConsigneeId)));
            p.Add(TouchedStreams.Texts(failed.Select(f => f.DestinationCountry)));
            p.Add(new NpgsqlParameter<Instant[]> { TypedValue = [.. failed.Select(f => f.ShippedAt)] });
            p.Add(TouchedStreams.Texts(failed.Select(f => f.Result)));
            p.Add(TouchedStreams.Texts(failed.Select(f => f.Detail)));
            p.Add(new NpgsqlParameter<bool[]> { TypedValue = [.. failed.Select(_ => false)] });
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        if (voids.Length > 0)
        {
            await using var voided = batch.CreateCommand(
                $"update {batch.Table(ShipmentsTable)} set voided = true where event_id = any($1) returning group_key");
            voided.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = voids });
            await using var reader = await voided.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) groups.Add(reader.GetString(0));
        }
        if (groups.Count == 0) return;

        await Shipments.JudgeAsync(batch, groups, LicenceCheckFailedJudgement.Judge, cancellationToken);
    }
}
