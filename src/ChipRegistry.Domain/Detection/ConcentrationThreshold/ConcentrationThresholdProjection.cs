using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Detection.Thresholds;
using ChipRegistry.Domain.Policy;
using ChipRegistry.Domain.Projections;
using ChipRegistry.Domain.Projections.Placements;
using ChipRegistry.EventStore;
using NodaTime;
using Npgsql;

namespace ChipRegistry.Domain.Detection.ConcentrationThreshold;

/// <summary>
/// Rule 14 on the daemon. Every chip a batch installs, moves or sells is folded again
/// (<see cref="ConcentrationFact.ActsOf"/>) and its shares of the aggregates replaced: an installation joins its
/// facility's, its operator's, its ultimate parent's and (a Tier-2 one) its country's group, an acquisition by a Tier-2
/// customer that customer's calendar year. The chip's weight comes from its model's spec, the parties' countries and
/// parents from their streams, as they stood when the act was recorded. It reads no ticks: a flag opens at the act that
/// crosses the threshold. A threshold change cuts the batch and judges every group again (a rare act).
/// </summary>
public sealed class ConcentrationThresholdProjection(EventSerializer serializer) : IAsyncProjection
{
    public const string Prefix = "concentration_threshold";
    public const string FlagsTable = Prefix + "_flags";
    private const string SharesTable = Prefix + "_shares";

    private static readonly GroupedFacts<ConcentrationFact> Shares = new(SharesTable,
        "chip_id, seq_id, group_key, leg, subject_id, country, from_at, until_at, weight, voided",
        reader => new ConcentrationFact(reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
            reader.GetString(5), reader.GetFieldValue<Instant>(6), reader.IsDBNull(7) ? null : reader.GetFieldValue<Instant>(7), reader.GetDecimal(8),
            reader.GetBoolean(9)),
        FlagsTable);

    public string Name => Prefix;

    public IReadOnlyList<ProjectionTable> Tables { get; } =
    [
        FlagTable.Declare(FlagsTable),
        new(SharesTable,
            """
            (chip_id text not null, seq_id bigint not null, group_key text not null, leg text not null, subject_id text not null, country text not null,
             from_at timestamptz not null, until_at timestamptz, weight numeric not null, voided boolean not null, primary key (chip_id, seq_id, group_key))
            """,
            ["(group_key)"]),
        .. RuleInputs.Tables(Prefix),
    ];

    public async Task ApplyAsync(AsyncProjectionBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var inputs = await RuleInputs.LoadAsync(batch, Prefix, cancellationToken);
        var chips = batch.Events.Where(e => ConcentrationFact.Matters(e.Data)).Select(e => e.StreamKey).Distinct(StringComparer.Ordinal).ToArray();
        var streams = chips.Length == 0 ? [] : await TouchedStreams.ReadChipsAsync(batch, serializer, chips, cancellationToken);
        var reference = new ReferenceStreams(serializer);
        if (chips.Length > 0) await reference.LoadChipModelsAsync(batch, chips, cancellationToken);

        var touched = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in batch.Events)
        {
            switch (e.Data)
            {
                case var data when ConcentrationFact.Matters(data):
                    touched.Add(e.StreamKey);
                    break;
                case DetectionThresholdChanged change:
                    await RefoldAsync(batch, inputs, reference, streams, touched, e.SeqId, cancellationToken);
                    inputs.Change(e.SeqId, change);
                    if (change.Threshold is DetectionThresholds.SiteH100e or DetectionThresholds.Tier2CountryTpp or DetectionThresholds.CustomerH100ePerYear)
                    {
                        await JudgeAllAsync(batch, inputs, cancellationToken);
                    }
                    break;
            }
        }
        await RefoldAsync(batch, inputs, reference, streams, touched, batch.ThroughSeqId, cancellationToken);
        await inputs.SaveAsync(batch, cancellationToken);
    }

    /// <summary>The rows of one act: the aggregates it joins, with the chip's weight there.</summary>
    private static IEnumerable<ConcentrationFact> SharesOf(ConcentrationFact.Act act, ReferenceStreams reference)
    {
        var at = act.Event.OccurredAt;
        var date = at.InUtc().Date;
        if (reference.ModelOf(act.Event.ChipId, act.SeqId) is not { } model) yield break;
        var metrics = Metrics.Compute(model.EffectiveSpecAt(at) ?? model.EffectiveSpec);
        if (metrics.Tpp is not { } tpp || metrics.H100Equivalents is not { } h100e) yield break;
        var directory = reference.DirectoryAt(act.SeqId);
        ConcentrationFact Share(string leg, string subject, string country, decimal weight, int? year = null) =>
            new(act.Event.ChipId, act.SeqId, ConcentrationFact.KeyOf(leg, subject, year), leg, subject, country, at, act.Until, weight, act.Voided);
        switch (act.Event)
        {
            case ChipInstalled installed:
                yield return Share(ConcentrationFact.Facility, installed.FacilityId, installed.Country, h100e);
                var parent = directory.UltimateParentId(installed.OperatorId, date);
                if (parent != installed.OperatorId) yield return Share(ConcentrationFact.Operator, installed.OperatorId, installed.Country, h100e);
                yield return Share(ConcentrationFact.UltimateParent, parent, installed.Country, h100e);
                if (DiffusionTiers.TierOf(installed.Country, date) == DiffusionTier.Tier2)
                {
                    yield return Share(ConcentrationFact.TierTwoCountry, installed.Country, installed.Country, tpp);
                }
                break;
            case ChipSaleAccepted sale when directory.Find(sale.BuyerId) is { } buyer && DiffusionTiers.TierOf(buyer.Country, date) == DiffusionTier.Tier2:
                yield return Share(ConcentrationFact.Customer, sale.BuyerId, buyer.Country, h100e, at.InUtc().Year);
                break;
        }
    }

    private static async Task RefoldAsync(
        AsyncProjectionBatch batch, RuleInputs inputs, ReferenceStreams reference, Dictionary<string, List<SequencedChipEvent>> streams,
        HashSet<string> touched, long throughSeqId, CancellationToken cancellationToken)
    {
        if (touched.Count == 0) return;
        var chips = touched.ToArray();
        touched.Clear();
        var acts = chips.SelectMany(chip => ConcentrationFact.ActsOf(chip, [.. streams.GetValueOrDefault(chip, []).Where(e => e.SeqId <= throughSeqId)])).ToList();
        await reference.LoadOrganisationsAsync(batch, acts.Select(a => a.Event switch
        {
            ChipInstalled i => i.OperatorId,
            ChipSaleAccepted s => s.BuyerId,
            _ => "",
        }).Where(id => id.Length > 0).Distinct(StringComparer.Ordinal), cancellationToken);
        var rows = acts.SelectMany(a => SharesOf(a, reference)).ToList();

        var groups = new HashSet<string>(rows.Select(r => r.GroupKey), StringComparer.Ordinal);
        await using (var delete = batch.CreateCommand($"delete from {batch.Table(SharesTable)} where chip_id = any($1) returning group_key"))
        {
            delete.Parameters.Add(TouchedStreams.Texts(chips));
            await using var reader = await delete.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) groups.Add(reader.GetString(0));
        }
        if (rows.Count > 0)
        {
            await using var insert = batch.CreateCommand(
                $"""
                insert into {batch.Table(SharesTable)} (chip_id, seq_id, group_key, leg, subject_id, country, from_at, until_at, weight, voided)
                select * from unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::timestamptz[],
                    $9::numeric[], $10::boolean[])
                """);
            var p = insert.Parameters;
            p.Add(TouchedStreams.Texts(rows.Select(r => r.ChipId)));
            p.Add(new NpgsqlParameter<long[]> { TypedValue = [.. rows.Select(r => r.SeqId)] });
            p.Add(TouchedStreams.Texts(rows.Select(r => r.GroupKey)));
            p.Add(TouchedStreams.Texts(rows.Select(r => r.Leg)));
            p.Add(TouchedStreams.Texts(rows.Select(r => r.SubjectId)));
            p.Add(TouchedStreams.Texts(rows.Select(r => r.Country)));
            p.Add(new NpgsqlParameter<Instant[]> { TypedValue = [.. rows.Select(r => r.From)] });
            p.Add(new NpgsqlParameter<Instant?[]> { TypedValue = [.. rows.Select(r => r.Until)] });
            p.Add(new NpgsqlParameter<decimal[]> { TypedValue = [.. rows.Select(r => r.Weight)] });
            p.Add(new NpgsqlParameter<bool[]> { TypedValue = [.. rows.Select(r => r.Voided)] });
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await Shares.JudgeAsync(batch, groups, (group, existing) => ConcentrationThresholdJudgement.Judge(group, inputs.Thresholds, existing), cancellationToken);
    }

    private static async Task JudgeAllAsync(AsyncProjectionBatch batch, RuleInputs inputs, CancellationToken cancellationToken)
    {
        var groups = new List<string>();
        await using (var command = batch.CreateCommand($"select distinct group_key from {batch.Table(SharesTable)}"))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) groups.Add(reader.GetString(0));
        }
        await Shares.JudgeAsync(batch, groups, (group, existing) => ConcentrationThresholdJudgement.Judge(group, inputs.Thresholds, existing), cancellationToken);
    }
}
