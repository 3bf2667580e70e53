using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Detection.Thresholds;
using ChipRegistry.Domain.Policy;
using ChipRegistry.Domain.Projections;
using ChipRegistry.Domain.Projections.Placements;
using ChipRegistry.EventStore;
using NodaTime;
using Npgsql;

namespace ChipRegistry.Domain.Detection.NewEntity;

/// <summary>
/// Rule 9 on the daemon. A chip whose sale is accepted (or an event of it voided) is folded again and its acquisitions
/// replaced; only acquisitions by a buyer that was new then are kept (its founding date read from its organisation
/// stream as it stood when the acceptance was recorded), and the buyers they belong to are judged again. It reads no
/// ticks: the flag opens at the acquisition that reaches the minimum. A threshold change cuts the batch, so what is
/// folded before it is judged by the thresholds that stood then, whatever the batch boundaries.
/// </summary>
public sealed class NewEntityProjection(EventSerializer serializer) : IAsyncProjection
{
    public const string Prefix = "new_entity";
    public const string FlagsTable = Prefix + "_flags";
    private const string AcquisitionsTable = Prefix + "_acquisitions";

    private static readonly GroupedFacts<NewEntityAcquisition> Acquisitions = new(AcquisitionsTable,
        "chip_id, seq_id, buyer_id, buyer_country, founded_on, new_until, at, parent_restricted, voided",
        reader => new NewEntityAcquisition(reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3),
            reader.GetFieldValue<LocalDate>(4), reader.GetFieldValue<LocalDate>(5), reader.GetFieldValue<Instant>(6), reader.GetBoolean(7),
            reader.GetBoolean(8)),
        FlagsTable);

    public string Name => Prefix;

    public IReadOnlyList<ProjectionTable> Tables { get; } =
    [
        FlagTable.Declare(FlagsTable),
        new(AcquisitionsTable,
            """
            (chip_id text not null, seq_id bigint not null, group_key text not null, buyer_id text not null, buyer_country text not null,
             founded_on date not null, new_until date not null, at timestamptz not null, parent_restricted boolean not null,
             voided boolean not null, primary key (chip_id, seq_id))
            """,
            ["(group_key)"]),
        .. RuleInputs.Tables(Prefix),
    ];

    public async Task ApplyAsync(AsyncProjectionBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var inputs = await RuleInputs.LoadAsync(batch, Prefix, cancellationToken);
        var chips = batch.Events.Where(e => e.Data is ChipSaleAccepted or ChipEventVoided).Select(e => e.StreamKey).Distinct(StringComparer.Ordinal).ToArray();
        var streams = chips.Length == 0 ? [] : await TouchedStreams.ReadChipsAsync(batch, serializer, chips, cancellationToken);
        var reference = new ReferenceStreams(serializer);

        var touched = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in batch.Events)
        {
            switch (e.Data)
            {
                case ChipSaleAccepted or ChipEventVoided:
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

    /// <summary>The chip's acquisitions in its stream, voided ones marked (with their cascade).</summary>
    public static IEnumerable<(long SeqId, ChipSaleAccepted Sale, bool Voided)> AcquisitionsOf(string chipId, IReadOnlyList<SequencedChipEvent> stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var history = ChipHistory.Fold(chipId, stream.Select(e => e.Event));
        return stream.Where(e => e.Event is ChipSaleAccepted)
            .Select(e => (e.SeqId, (ChipSaleAccepted)e.Event, history.Voided.Contains(e.Event.EventId)));
    }

    private static async Task RefoldAsync(
        AsyncProjectionBatch batch, RuleInputs inputs, ReferenceStreams reference, Dictionary<string, List<SequencedChipEvent>> streams,
        HashSet<string> touched, long throughSeqId, CancellationToken cancellationToken)
    {
        if (touched.Count == 0) return;
        var chips = touched.ToArray();
        touched.Clear();
        var sales = chips.SelectMany(chip => AcquisitionsOf(chip, [.. streams.GetValueOrDefault(chip, []).Where(e => e.SeqId <= throughSeqId)])).ToList();
        await reference.LoadOrganisationsAsync(batch, sales.Select(s => s.Sale.BuyerId).Distinct(StringComparer.Ordinal), cancellationToken);
        var rows = new List<NewEntityAcquisition>();
        foreach (var (seqId, sale, voided) in sales)
        {
            var directory = reference.DirectoryAt(seqId);
            var date = sale.OccurredAt.InUtc().Date;
            if (directory.Find(sale.BuyerId) is not { } buyer || directory.Jurisdiction(sale.BuyerId, date) is not { } jurisdiction) continue;
            var newUntil = buyer.FoundedOn.PlusMonths((int)inputs.Thresholds.NumberAt(DetectionThresholds.NewEntityMonths, sale.OccurredAt));
            if (date > newUntil) continue;
            rows.Add(new NewEntityAcquisition(sale.ChipId, seqId, sale.BuyerId, buyer.Country, buyer.FoundedOn, newUntil, sale.OccurredAt,
                CountryGroups.IsD5OrMacau(Countries.AsTreatedByEar(jurisdiction.UltimateParentCountry), date), voided));
        }

        var groups = new HashSet<string>(rows.Select(r => r.GroupKey), StringComparer.Ordinal);
        await using (var delete = batch.CreateCommand($"delete from {batch.Table(AcquisitionsTable)} where chip_id = any($1) returning group_key"))
        {
            delete.Parameters.Add(TouchedStreams.Texts(chips));
            await using var reader = await delete.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) groups.Add(reader.GetString(0));
        }
        if (rows.Count > 0)
        {
            await using var insert = batch.CreateCommand(
                $"""
                insert into {batch.Table(AcquisitionsTable)} (chip_id, seq_id, group_key, buyer_id, buyer_country, founded_on, new_until, at,
                    parent_restricted, voided)
                select * from unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::date[], $7::date[], $8::timestamptz[],
                    $9::boolean[], $10::boolean[])
                """);
            var p = insert.Parameters;
            p.Add(TouchedStreams.Texts(rows.Select(r => r.ChipId)));
            p.Add(new NpgsqlParameter<long[]> { TypedValue = [.. rows.Select(r => r.SeqId)] });
            p.Add(TouchedStreams.Texts(rows.Select(r => r.GroupKey)));
            p.Add(TouchedStreams.Texts(rows.Select(r => r.BuyerId)));
            p.Add(TouchedStreams.Texts(rows.Select(r => r.BuyerCountry)));
            p.Add(new NpgsqlParameter<LocalDate[]> { TypedValue = [.. rows.Select(r => r.FoundedOn)] });
            p.Add(new NpgsqlParameter<LocalDate[]> { TypedValue = [.. rows.Select(r => r.NewUntil)] });
            p.Add(new NpgsqlParameter<Instant[]> { TypedValue = [.. rows.Select(r => r.At)] });
            p.Add(new NpgsqlParameter<bool[]> { TypedValue = [.. rows.Select(r => r.ParentRestricted)] });
            p.Add(new NpgsqlParameter<bool[]> { TypedValue = [.. rows.Select(r => r.Voided)] });
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await Acquisitions.JudgeAsync(batch, groups, (group, existing) => NewEntityJudgement.Judge(group, inputs.Thresholds, existing), cancellationToken);
    }
}
