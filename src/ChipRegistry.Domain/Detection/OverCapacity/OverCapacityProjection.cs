using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Detection.Thresholds;
using ChipRegistry.Domain.Facilities;
using ChipRegistry.Domain.Projections;
using ChipRegistry.Domain.Projections.Placements;
using ChipRegistry.EventStore;
using NodaTime;
using Npgsql;

namespace ChipRegistry.Domain.Detection.OverCapacity;

/// <summary>
/// Rule 10 on the daemon. Every chip a batch touches is folded again (<see cref="OverCapacityFold"/>) and its stays
/// replaced; each facility whose stays changed, whose power was declared, or (at a change of
/// <c>power_usage_effectiveness</c>) every facility with stays, is judged again from all its stays and its power
/// declarations as its stream stands (<see cref="OverCapacityJudgement"/>). The batch is cut at each threshold change.
/// It reads no ticks: an episode opens at the instant it crosses.
/// </summary>
public sealed class OverCapacityProjection(EventSerializer serializer) : IAsyncProjection
{
    public const string Prefix = "over_capacity";
    public const string FlagsTable = Prefix + "_flags";
    private const string StaysTable = Prefix + "_stays";

    private static readonly GroupedFacts<InstalledStay> Stays = new(StaysTable,
        "chip_id, seq_id, facility_id, installed_at, ended_at, end_seq_id, tdp_watts",
        reader => new InstalledStay(reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.GetFieldValue<Instant>(3),
            reader.IsDBNull(4) ? null : reader.GetFieldValue<Instant>(4), reader.IsDBNull(5) ? null : reader.GetInt64(5),
            reader.IsDBNull(6) ? null : reader.GetDecimal(6)),
        FlagsTable);

    public string Name => Prefix;

    public IReadOnlyList<ProjectionTable> Tables { get; } =
    [
        FlagTable.Declare(FlagsTable),
        new(StaysTable,
            """
            (chip_id text not null, seq_id bigint not null, group_key text not null, facility_id text not null, installed_at timestamptz not null,
             ended_at timestamptz, end_seq_id bigint, tdp_watts numeric, primary key (chip_id, seq_id))
            """,
            ["(group_key)"]),
        .. RuleInputs.Tables(Prefix),
    ];

    public async Task ApplyAsync(AsyncProjectionBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var inputs = await RuleInputs.LoadAsync(batch, Prefix, cancellationToken);
        var chips = batch.Events.Where(e => e.Data is IChipEvent and not (ChipLocationAttested or ChipTenantAssigned or ChipObserved))
            .Select(e => e.StreamKey).Distinct(StringComparer.Ordinal).ToArray();
        var streams = chips.Length == 0 ? [] : await TouchedStreams.ReadChipsAsync(batch, serializer, chips, cancellationToken);
        var reference = new ReferenceStreams(serializer);
        var installed = streams.Where(s => s.Value.Any(e => e.Event is ChipInstalled)).Select(s => s.Key).ToList();
        if (installed.Count > 0) await reference.LoadChipModelsAsync(batch, installed, cancellationToken);

        var touched = new HashSet<string>(StringComparer.Ordinal);
        var facilities = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in batch.Events)
        {
            switch (e.Data)
            {
                case IChipEvent and not (ChipLocationAttested or ChipTenantAssigned or ChipObserved):
                    touched.Add(e.StreamKey);
                    break;
                case FacilityRegistered or FacilityPowerDeclared:
                    facilities.Add(((IFacilityEvent)e.Data).FacilityId);
                    break;
                case DetectionThresholdChanged change:
                    await RefoldAsync(batch, inputs, reference, streams, touched, facilities, e.SeqId, cancellationToken);
                    inputs.Change(e.SeqId, change);
                    if (change.Threshold == DetectionThresholds.PowerUsageEffectiveness) await EveryFacilityAsync(batch, facilities, cancellationToken);
                    break;
            }
        }
        await RefoldAsync(batch, inputs, reference, streams, touched, facilities, batch.ThroughSeqId, cancellationToken);
        await inputs.SaveAsync(batch, cancellationToken);
    }

    /// <summary>Folds the touched chips up to <paramref name="throughSeqId"/>, replaces their stays and judges the facilities changed.</summary>
    private static async Task RefoldAsync(
        AsyncProjectionBatch batch, RuleInputs inputs, ReferenceStreams reference, Dictionary<string, List<SequencedChipEvent>> streams,
        HashSet<string> touched, HashSet<string> facilities, long throughSeqId, CancellationToken cancellationToken)
    {
        if (touched.Count > 0)
        {
            var chips = touched.ToArray();
            touched.Clear();
            var rows = chips.SelectMany(chip => OverCapacityFold.Of(chip, [.. streams.GetValueOrDefault(chip, []).Where(e => e.SeqId <= throughSeqId)],
                (seqId, at) => reference.ModelOf(chip, seqId) is { } model ? (model.EffectiveSpecAt(at) ?? model.EffectiveSpec).TdpWatts?.Value : null)).ToList();
            facilities.UnionWith(rows.Select(r => r.GroupKey));
            await using (var delete = batch.CreateCommand($"delete from {batch.Table(StaysTable)} where chip_id = any($1) returning group_key"))
            {
                delete.Parameters.Add(TouchedStreams.Texts(chips));
                await using var reader = await delete.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken)) facilities.Add(reader.GetString(0));
            }
            if (rows.Count > 0) await InsertAsync(batch, rows, cancellationToken);
        }
        if (facilities.Count == 0) return;
        var judged = facilities.ToArray();
        facilities.Clear();
        await JudgeAsync(batch, inputs, reference, judged, throughSeqId, cancellationToken);
    }

    private static async Task EveryFacilityAsync(AsyncProjectionBatch batch, HashSet<string> facilities, CancellationToken cancellationToken)
    {
        await using var command = batch.CreateCommand($"select distinct group_key from {batch.Table(StaysTable)}");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) facilities.Add(reader.GetString(0));
    }

    private static async Task JudgeAsync(
        AsyncProjectionBatch batch, RuleInputs inputs, ReferenceStreams reference, string[] facilities, long throughSeqId, CancellationToken cancellationToken)
    {
        var stays = await Stays.ReadAsync(batch, facilities, cancellationToken);
        await reference.LoadFacilitiesAsync(batch, facilities, cancellationToken);
        var existing = new Dictionary<string, Dictionary<string, Flag>>(StringComparer.Ordinal);
        await using (var command = batch.CreateCommand(
            $"select group_key, {FlagTable.Columns} from {batch.Table(FlagsTable)} where subject_kind = $1 and subject_id = any($2)"))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = FlagSubjectKinds.Facility });
            command.Parameters.Add(TouchedStreams.Texts(facilities));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var flag = FlagTable.Read(reader, 1);
                if (!existing.TryGetValue(flag.Subject.Id, out var byGroup)) existing[flag.Subject.Id] = byGroup = new(StringComparer.Ordinal);
                byGroup[reader.GetString(0)] = flag;
            }
        }
        var flags = new List<(string, Flag)>();
        foreach (var facility in facilities)
        {
            var powers = reference.FacilityEvents(facility, throughSeqId).Select(e => e.Event switch
            {
                FacilityRegistered r => new DeclaredPower(e.SeqId, r.OccurredAt, r.DeclaredPowerMw),
                FacilityPowerDeclared p => new DeclaredPower(e.SeqId, p.OccurredAt, p.DeclaredPowerMw),
                _ => null,
            }).OfType<DeclaredPower>().ToList();
            flags.AddRange(OverCapacityJudgement.Judge(facility, reference.FacilityAt(facility, throughSeqId)?.Country, stays.GetValueOrDefault(facility, []), powers,
                at => inputs.Thresholds.NumberAt(DetectionThresholds.PowerUsageEffectiveness, at), existing.GetValueOrDefault(facility) ?? new Dictionary<string, Flag>(StringComparer.Ordinal)));
        }
        await FlagTable.UpsertAsync(batch, FlagsTable, flags, cancellationToken);
    }

    private static async Task InsertAsync(AsyncProjectionBatch batch, List<InstalledStay> rows, CancellationToken cancellationToken)
    {
        await using var insert = batch.CreateCommand(
            $"""
            insert into {batch.Table(StaysTable)} (chip_id, seq_id, group_key, facility_id, installed_at, ended_at, end_seq_id, tdp_watts)
            select * from unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::bigint[], $8::numeric[])
            """);
        var p = insert.Parameters;
        p.Add(TouchedStreams.Texts(rows.Select(r => r.ChipId)));
        p.Add(new NpgsqlParameter<long[]> { TypedValue = [.. rows.Select(r => r.SeqId)] });
        p.Add(TouchedStreams.Texts(rows.Select(r => r.GroupKey)));
        p.Add(TouchedStreams.Texts(rows.Select(r => r.FacilityId)));
        p.Add(new NpgsqlParameter<Instant[]> { TypedValue = [.. rows.Select(r => r.InstalledAt)] });
        p.Add(new NpgsqlParameter<Instant?[]> { TypedValue = [.. rows.Select(r => r.EndedAt)] });
        p.Add(new NpgsqlParameter<long?[]> { TypedValue = [.. rows.Select(r => r.EndSeqId)] });
        p.Add(new NpgsqlParameter<decimal?[]> { TypedValue = [.. rows.Select(r => r.TdpWatts)] });
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }
}
