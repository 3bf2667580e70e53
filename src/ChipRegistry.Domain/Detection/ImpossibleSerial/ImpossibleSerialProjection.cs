using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Detection.Thresholds;
using ChipRegistry.Domain.Projections;
using ChipRegistry.Domain.Projections.Placements;
using ChipRegistry.EventStore;
using NodaTime;
using Npgsql;

namespace ChipRegistry.Domain.Detection.ImpossibleSerial;

/// <summary>
/// Rule 11 on the daemon. Every chip a batch touches is folded again (<see cref="ImpossibleSerialFold"/>) and its
/// conflicts replaced; the chips' groups are judged again. Facilities are read from their streams as they stood when
/// each report was recorded. The speed limit is read from the threshold changes in the rule's own table; the batch is
/// cut at each change (the chips touched before it are folded first), so what a fold judges depends on the events and
/// their order, never on batch boundaries. It reads no ticks: a flag opens at the report's own business time.
/// </summary>
public sealed class ImpossibleSerialProjection(EventSerializer serializer) : IAsyncProjection
{
    public const string Prefix = "impossible_serial";
    public const string FlagsTable = Prefix + "_flags";
    private const string ConflictsTable = Prefix + "_conflicts";

    private static readonly GroupedFacts<SerialConflict> Conflicts = new(ConflictsTable,
        """
        chip_id, seq_id, kind, report, recorder_id, at, other_seq_id, other_at, facility_id, other_facility_id, distance_km, speed_kmh, max_speed_kmh, voided
        """,
        reader => new SerialConflict(reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
            reader.GetFieldValue<Instant>(5), reader.GetInt64(6), reader.GetFieldValue<Instant>(7), reader.IsDBNull(8) ? null : reader.GetString(8),
            reader.IsDBNull(9) ? null : reader.GetString(9), reader.IsDBNull(10) ? null : reader.GetDecimal(10),
            reader.IsDBNull(11) ? null : reader.GetDecimal(11), reader.IsDBNull(12) ? null : reader.GetDecimal(12), reader.GetBoolean(13)),
        FlagsTable);

    public string Name => Prefix;

    public IReadOnlyList<ProjectionTable> Tables { get; } =
    [
        FlagTable.Declare(FlagsTable),
        new(ConflictsTable,
            """
            (chip_id text not null, seq_id bigint not null, kind text not null, group_key text not null, report text not null, recorder_id text not null,
             at timestamptz not null, other_seq_id bigint not null, other_at timestamptz not null, facility_id text, other_facility_id text,
             distance_km numeric, speed_kmh numeric, max_speed_kmh numeric, voided boolean not null, primary key (chip_id, seq_id, kind, other_seq_id))
            """,
            ["(group_key)"]),
        .. RuleInputs.Tables(Prefix),
    ];

    public async Task ApplyAsync(AsyncProjectionBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var inputs = await RuleInputs.LoadAsync(batch, Prefix, cancellationToken);
        var chips = batch.Events.Where(e => e.Data is IChipEvent and not ChipTenantAssigned).Select(e => e.StreamKey).Distinct(StringComparer.Ordinal).ToArray();
        var streams = chips.Length == 0 ? [] : await TouchedStreams.ReadChipsAsync(batch, serializer, chips, cancellationToken);
        var reference = new ReferenceStreams(serializer);
        await reference.LoadFacilitiesAsync(batch, streams.Values.SelectMany(s => s).Select(e => e.Event switch
        {
            ChipInstalled i => i.FacilityId,
            ChipLocationAttested a => a.FacilityId,
            ChipObserved o => o.FacilityId,
            ChipRemoved r => r.FacilityId,
            _ => null,
        }).OfType<string>().Distinct(StringComparer.Ordinal), cancellationToken);

        var touched = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in batch.Events)
        {
            switch (e.Data)
            {
                case IChipEvent and not ChipTenantAssigned:
                    touched.Add(e.StreamKey);
                    break;
                case DetectionThresholdChanged change:
                    await RefoldAsync(batch, inputs, reference, streams, touched, e.SeqId, cancellationToken);
                    inputs.Change(e.SeqId, change);
                    break;
            }
        }
        await RefoldAsync(batch, inputs, reference, streams, touched, batch.ThroughSeqId, cancellationToken);
        await inputs.SaveAsync(batch, cancellationToken);
    }

    private static async Task RefoldAsync(
        AsyncProjectionBatch batch, RuleInputs inputs, ReferenceStreams reference, Dictionary<string, List<SequencedChipEvent>> streams,
        HashSet<string> touched, long throughSeqId, CancellationToken cancellationToken)
    {
        if (touched.Count == 0) return;
        var chips = touched.ToArray();
        touched.Clear();
        var conflicts = chips.SelectMany(chip => ImpossibleSerialFold.Of(chip, [.. streams.GetValueOrDefault(chip, []).Where(e => e.SeqId <= throughSeqId)],
            reference.FacilityAt, at => inputs.Thresholds.NumberAt(DetectionThresholds.MaxSpeedKmh, at))).ToList();

        var groups = new HashSet<string>(conflicts.Select(c => c.GroupKey), StringComparer.Ordinal);
        await using (var delete = batch.CreateCommand($"delete from {batch.Table(ConflictsTable)} where chip_id = any($1) returning group_key"))
        {
            delete.Parameters.Add(TouchedStreams.Texts(chips));
            await using var reader = await delete.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) groups.Add(reader.GetString(0));
        }
        if (conflicts.Count > 0) await InsertAsync(batch, conflicts, cancellationToken);
        await Conflicts.JudgeAsync(batch, groups, ImpossibleSerialJudgement.Judge, cancellationToken);
    }

    private static async Task InsertAsync(AsyncProjectionBatch batch, List<SerialConflict> conflicts, CancellationToken cancellationToken)
    {
        await using var insert = batch.CreateCommand(
            $"""
            insert into {batch.Table(ConflictsTable)} (chip_id, seq_id, kind, group_key, report, recorder_id, at, other_seq_id, other_at, facility_id,
                other_facility_id, distance_km, speed_kmh, max_speed_kmh, voided)
            select * from unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::bigint[],
                $9::timestamptz[], $10::text[], $11::text[], $12::numeric[], $13::numeric[], $14::numeric[], $15::boolean[])
            """);
        var p = insert.Parameters;
        p.Add(TouchedStreams.Texts(conflicts.Select(c => c.ChipId)));
        p.Add(new NpgsqlParameter<long[]> { TypedValue = [.. conflicts.Select(c => c.SeqId)] });
        p.Add(TouchedStreams.Texts(conflicts.Select(c => c.Kind)));
        p.Add(TouchedStreams.Texts(conflicts.Select(c => c.GroupKey)));
        p.Add(TouchedStreams.Texts(conflicts.Select(c => c.Report)));
        p.Add(TouchedStreams.Texts(conflicts.Select(c => c.RecorderId)));
        p.Add(new NpgsqlParameter<Instant[]> { TypedValue = [.. conflicts.Select(c => c.At)] });
        p.Add(new NpgsqlParameter<long[]> { TypedValue = [.. conflicts.Select(c => c.OtherSeqId)] });
        p.Add(new NpgsqlParameter<Instant[]> { TypedValue = [.. conflicts.Select(c => c.OtherAt)] });
        p.Add(TouchedStreams.Texts(conflicts.Select(c => c.FacilityId)));
        p.Add(TouchedStreams.Texts(conflicts.Select(c => c.OtherFacilityId)));
        p.Add(new NpgsqlParameter<decimal?[]> { TypedValue = [.. conflicts.Select(c => c.DistanceKm)] });
        p.Add(new NpgsqlParameter<decimal?[]> { TypedValue = [.. conflicts.Select(c => c.SpeedKmh)] });
        p.Add(new NpgsqlParameter<decimal?[]> { TypedValue = [.. conflicts.Select(c => c.MaxSpeedKmh)] });
        p.Add(new NpgsqlParameter<bool[]> { TypedValue = [.. conflicts.Select(c => c.Voided)] });
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }
}
