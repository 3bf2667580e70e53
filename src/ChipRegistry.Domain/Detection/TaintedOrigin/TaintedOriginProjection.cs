using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Projections;
using ChipRegistry.EventStore;
using NodaTime;
using Npgsql;

namespace ChipRegistry.Domain.Detection.TaintedOrigin;

/// <summary>
/// Rule 15 on the daemon. Every chip a batch touches is folded again (<see cref="TaintedOriginFold"/>) and its tainted
/// installations replaced; the installing acts they left and joined are judged again. The chip's model, the model's
/// spec and manufacturer (with its parents) and the facility are read from their streams as they stood when the
/// installation was recorded (<see cref="ReferenceStreams"/>). It reads neither ticks nor thresholds.
/// </summary>
public sealed class TaintedOriginProjection(EventSerializer serializer) : IAsyncProjection
{
    public const string Prefix = "tainted_origin";
    public const string FlagsTable = Prefix + "_flags";
    private const string InstallationsTable = Prefix + "_installations";

    private static readonly GroupedFacts<TaintedInstallation> Installations = new(InstallationsTable,
        "chip_id, seq_id, facility_id, country, operator_id, installed_at, model_id, designer_id, control_class, removed_at, removal_seq_id, voided",
        reader => new TaintedInstallation(reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
            reader.GetFieldValue<Instant>(5), reader.GetString(6), reader.GetString(7), reader.GetString(8),
            reader.IsDBNull(9) ? null : reader.GetFieldValue<Instant>(9), reader.IsDBNull(10) ? null : reader.GetInt64(10), reader.GetBoolean(11)),
        FlagsTable);

    public string Name => Prefix;

    public IReadOnlyList<ProjectionTable> Tables { get; } =
    [
        FlagTable.Declare(FlagsTable),
        new(InstallationsTable,
            """
            (chip_id text not null, seq_id bigint not null, group_key text not null, facility_id text not null, country text not null,
             operator_id text not null, installed_at timestamptz not null, model_id text not null, designer_id text not null, control_class text not null,
             removed_at timestamptz, removal_seq_id bigint, voided boolean not null, primary key (chip_id, seq_id))
            """,
            ["(group_key)"]),
    ];

    public async Task ApplyAsync(AsyncProjectionBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var chips = batch.Events.Where(e => e.Data is IChipEvent and not (ChipLocationAttested or ChipTenantAssigned or ChipObserved))
            .Select(e => e.StreamKey).Distinct(StringComparer.Ordinal).ToArray();
        if (chips.Length == 0) return;
        var streams = await TouchedStreams.ReadChipsAsync(batch, serializer, chips, cancellationToken);
        var installed = streams.Where(s => s.Value.Any(e => e.Event is ChipInstalled)).Select(s => s.Key).ToList();
        var reference = new ReferenceStreams(serializer);
        if (installed.Count > 0)
        {
            await reference.LoadChipModelsAsync(batch, installed, cancellationToken);
            var designers = installed.Select(k => streams[k].Select(e => e.Event).OfType<ChipFabricated>().FirstOrDefault()?.ManufacturerId).OfType<string>();
            await reference.LoadOrganisationsAsync(batch, designers.Distinct(StringComparer.Ordinal), cancellationToken);
            await reference.LoadFacilitiesAsync(batch,
                installed.SelectMany(k => streams[k].Select(e => e.Event).OfType<ChipInstalled>().Select(i => i.FacilityId)).Distinct(StringComparer.Ordinal),
                cancellationToken);
        }
        var rows = chips.SelectMany(chip => TaintedOriginFold.Of(chip, streams.GetValueOrDefault(chip, []),
            (chipId, seqId, at) => OriginAt(reference, chipId, seqId, at), (facility, seqId) => reference.FacilityAt(facility, seqId) is not null)).ToList();

        var groups = new HashSet<string>(rows.Select(r => r.GroupKey), StringComparer.Ordinal);
        await using (var delete = batch.CreateCommand($"delete from {batch.Table(InstallationsTable)} where chip_id = any($1) returning group_key"))
        {
            delete.Parameters.Add(TouchedStreams.Texts(chips));
            await using var reader = await delete.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) groups.Add(reader.GetString(0));
        }
        if (rows.Count > 0) await InsertAsync(batch, rows, cancellationToken);
        await Installations.JudgeAsync(batch, groups, TaintedOriginJudgement.Judge, cancellationToken);
    }

    /// <summary>The chip's model, its class on the date and whether its manufacturer (or that one's ultimate parent) is in China.</summary>
    private static TaintedOriginFold.Origin? OriginAt(ReferenceStreams reference, string chipId, long seqId, Instant at)
    {
        if (reference.ModelOf(chipId, seqId) is not { } model) return null;
        var date = at.InUtc().Date;
        var designer = reference.DirectoryAt(seqId).Jurisdiction(model.ManufacturerId, date);
        var prc = designer is not null
            && (Countries.AsTreatedByEar(designer.Country) == Countries.China || Countries.AsTreatedByEar(designer.UltimateParentCountry) == Countries.China);
        var spec = model.EffectiveSpecAt(at) ?? model.EffectiveSpec;
        return new TaintedOriginFold.Origin(model.ModelId, model.ManufacturerId, prc, Classifier.Classify(spec, TaintedOriginFold.VintageOn(date)));
    }

    private static async Task InsertAsync(AsyncProjectionBatch batch, List<TaintedInstallation> rows, CancellationToken cancellationToken)
    {
        await using var insert = batch.CreateCommand(
            $"""
            insert into {batch.Table(InstallationsTable)} (chip_id, seq_id, group_key, facility_id, country, operator_id, installed_at, model_id, designer_id,
                control_class, removed_at, removal_seq_id, voided)
            select * from unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::text[], $9::text[],
                $10::text[], $11::timestamptz[], $12::bigint[], $13::boolean[])
            """);
        var p = insert.Parameters;
        p.Add(TouchedStreams.Texts(rows.Select(r => r.ChipId)));
        p.Add(new NpgsqlParameter<long[]> { TypedValue = [.. rows.Select(r => r.SeqId)] });
        p.Add(TouchedStreams.Texts(rows.Select(r => r.GroupKey)));
        p.Add(TouchedStreams.Texts(rows.Select(r => r.FacilityId)));
        p.Add(TouchedStreams.Texts(rows.Select(r => r.Country)));
        p.Add(TouchedStreams.Texts(rows.Select(r => r.OperatorId)));
        p.Add(new NpgsqlParameter<Instant[]> { TypedValue = [.. rows.Select(r => r.InstalledAt)] });
        p.Add(TouchedStreams.Texts(rows.Select(r => r.ModelId)));
        p.Add(TouchedStreams.Texts(rows.Select(r => r.DesignerId)));
        p.Add(TouchedStreams.Texts(rows.Select(r => r.ControlClass)));
        p.Add(new NpgsqlParameter<Instant?[]> { TypedValue = [.. rows.Select(r => r.RemovedAt)] });
        p.Add(new NpgsqlParameter<long?[]> { TypedValue = [.. rows.Select(r => r.RemovalSeqId)] });
        p.Add(new NpgsqlParameter<bool[]> { TypedValue = [.. rows.Select(r => r.Voided)] });
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }
}
