using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Projections;
using ChipRegistry.EventStore;
using NodaTime;
using Npgsql;

namespace ChipRegistry.Domain.Detection.LocationMismatch;

/// <summary>
/// Rule 3 on the daemon. Every chip a batch touches is folded again (<see cref="LocationMismatchFold"/>) and its
/// mislocated acts replaced; the groups they left and joined are judged again. Facilities and landmarks are read from
/// their streams as they stood when each act was recorded. It reads neither ticks nor thresholds: a flag opens at the
/// act's own business time.
/// </summary>
public sealed class LocationMismatchProjection(EventSerializer serializer) : IAsyncProjection
{
    public const string Prefix = "location_mismatch";
    public const string FlagsTable = Prefix + "_flags";
    private const string ActsTable = Prefix + "_acts";

    private static readonly GroupedFacts<MislocatedAct> Acts = new(ActsTable,
        """
        chip_id, seq_id, kind, facility_id, authorisation, destination, shipment_seq_id, country, at, reason, landmark_id, round_trip_ms,
        distance_km, bound_km, self_reported, resolved_at, resolved_seq_id, voided
        """,
        reader => new MislocatedAct(reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
            reader.GetString(5), reader.GetInt64(6), reader.GetString(7), reader.GetFieldValue<Instant>(8), reader.GetString(9),
            reader.IsDBNull(10) ? null : reader.GetString(10), reader.IsDBNull(11) ? null : reader.GetDecimal(11),
            reader.IsDBNull(12) ? null : reader.GetDecimal(12), reader.IsDBNull(13) ? null : reader.GetDecimal(13), reader.GetBoolean(14),
            reader.IsDBNull(15) ? null : reader.GetFieldValue<Instant>(15), reader.IsDBNull(16) ? null : reader.GetInt64(16), reader.GetBoolean(17)),
        FlagsTable);

    public string Name => Prefix;

    public IReadOnlyList<ProjectionTable> Tables { get; } =
    [
        FlagTable.Declare(FlagsTable),
        new(ActsTable,
            """
            (chip_id text not null, seq_id bigint not null, group_key text not null, kind text not null, facility_id text not null,
             authorisation text not null, destination text not null, shipment_seq_id bigint not null, country text not null,
             at timestamptz not null, reason text not null, landmark_id text, round_trip_ms numeric, distance_km numeric, bound_km numeric,
             self_reported boolean not null, resolved_at timestamptz, resolved_seq_id bigint, voided boolean not null,
             primary key (chip_id, seq_id))
            """,
            ["(group_key)"]),
    ];

    public async Task ApplyAsync(AsyncProjectionBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var chips = batch.Events.Where(e => e.Data is IChipEvent and not ChipTenantAssigned)
            .Select(e => e.StreamKey).Distinct(StringComparer.Ordinal).ToArray();
        if (chips.Length == 0) return;
        var streams = await TouchedStreams.ReadChipsAsync(batch, serializer, chips, cancellationToken);
        var events = streams.Values.SelectMany(s => s).Select(e => e.Event).ToList();
        var reference = new ReferenceStreams(serializer);
        await reference.LoadFacilitiesAsync(batch, events.Select(FacilityOf).OfType<string>().Distinct(StringComparer.Ordinal), cancellationToken);
        await reference.LoadLandmarksAsync(batch,
            events.OfType<ChipLocationAttested>().Select(a => a.LandmarkId).OfType<string>().Distinct(StringComparer.Ordinal), cancellationToken);
        var acts = chips.SelectMany(chip => LocationMismatchFold.Of(chip, streams.GetValueOrDefault(chip, []), reference.FacilityAt, reference.LandmarkAt))
            .ToList();

        var groups = new HashSet<string>(acts.Select(a => a.GroupKey), StringComparer.Ordinal);
        await using (var delete = batch.CreateCommand($"delete from {batch.Table(ActsTable)} where chip_id = any($1) returning group_key"))
        {
            delete.Parameters.Add(TouchedStreams.Texts(chips));
            await using var reader = await delete.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) groups.Add(reader.GetString(0));
        }
        if (acts.Count > 0) await InsertAsync(batch, acts, cancellationToken);
        await Acts.JudgeAsync(batch, groups, LocationMismatchJudgement.Judge, cancellationToken);
    }

    private static string? FacilityOf(IChipEvent e) => e switch
    {
        ChipInstalled i => i.FacilityId,
        ChipLocationAttested a => a.FacilityId,
        ChipObserved o => o.FacilityId,
        _ => null,
    };

    private static async Task InsertAsync(AsyncProjectionBatch batch, List<MislocatedAct> acts, CancellationToken cancellationToken)
    {
        await using var insert = batch.CreateCommand(
            $"""
            insert into {batch.Table(ActsTable)} (chip_id, seq_id, group_key, kind, facility_id, authorisation, destination, shipment_seq_id, country,
                at, reason, landmark_id, round_trip_ms, distance_km, bound_km, self_reported, resolved_at, resolved_seq_id, voided)
            select * from unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::text[],
                $10::timestamptz[], $11::text[], $12::text[], $13::numeric[], $14::numeric[], $15::numeric[], $16::boolean[], $17::timestamptz[],
                $18::bigint[], $19::boolean[])
            """);
        var p = insert.Parameters;
        p.Add(TouchedStreams.Texts(acts.Select(a => a.ChipId)));
        p.Add(new NpgsqlParameter<long[]> { TypedValue = [.. acts.Select(a => a.SeqId)] });
        p.Add(TouchedStreams.Texts(acts.Select(a => a.GroupKey)));
        p.Add(TouchedStreams.Texts(acts.Select(a => a.Kind)));
        p.Add(TouchedStreams.Texts(acts.Select(a => a.FacilityId)));
        p.Add(TouchedStreams.Texts(acts.Select(a => a.Authorisation)));
        p.Add(TouchedStreams.Texts(acts.Select(a => a.Destination)));
        p.Add(new NpgsqlParameter<long[]> { TypedValue = [.. acts.Select(a => a.ShipmentSeqId)] });
        p.Add(TouchedStreams.Texts(acts.Select(a => a.Country)));
        p.Add(new NpgsqlParameter<Instant[]> { TypedValue = [.. acts.Select(a => a.At)] });
        p.Add(TouchedStreams.Texts(acts.Select(a => a.Reason)));
        p.Add(TouchedStreams.Texts(acts.Select(a => a.LandmarkId)));
        p.Add(new NpgsqlParameter<decimal?[]> { TypedValue = [.. acts.Select(a => a.RoundTripMs)] });
        p.Add(new NpgsqlParameter<decimal?[]> { TypedValue = [.. acts.Select(a => a.DistanceKm)] });
        p.Add(new NpgsqlParameter<decimal?[]> { TypedValue = [.. acts.Select(a => a.BoundKm)] });
        p.Add(new NpgsqlParameter<bool[]> { TypedValue = [.. acts.Select(a => a.SelfReported)] });
        p.Add(new NpgsqlParameter<Instant?[]> { TypedValue = [.. acts.Select(a => a.ResolvedAt)] });
        p.Add(new NpgsqlParameter<long?[]> { TypedValue = [.. acts.Select(a => a.ResolvedSeqId)] });
        p.Add(new NpgsqlParameter<bool[]> { TypedValue = [.. acts.Select(a => a.Voided)] });
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }
}
