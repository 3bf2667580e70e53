using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Policy;
using ChipRegistry.Domain.Projections;
using ChipRegistry.EventStore;
using NodaTime;
using Npgsql;

namespace ChipRegistry.Domain.Detection.ConsigneeMismatch;

/// <summary>
/// Rule 2 on the daemon. Every chip a batch touches is folded again (<see cref="ConsigneeMismatchFold"/>) and its
/// mismatched acts replaced; the groups they left and joined are judged again. It reads neither ticks nor thresholds:
/// a flag opens at the act's own business time. Whether a party is restricted is read from its organisation stream
/// and its parents' as they stood when the act was recorded.
/// </summary>
public sealed class ConsigneeMismatchProjection(EventSerializer serializer) : IAsyncProjection
{
    public const string Prefix = "consignee_mismatch";
    public const string FlagsTable = Prefix + "_flags";
    private const string ActsTable = Prefix + "_acts";

    private static readonly GroupedFacts<MismatchedAct> Acts = new(ActsTable,
        """
        chip_id, seq_id, kind, party_id, facility_id, country, at, shipment_seq_id, shipper_id, consignee_id, end_user_id, destination_country,
        authorisation, shipped_at, party_restricted, voided
        """,
        reader => new MismatchedAct(reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3),
            reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetFieldValue<Instant>(6),
            reader.GetInt64(7), reader.GetString(8), reader.GetString(9), reader.GetString(10), reader.GetString(11), reader.GetString(12),
            reader.GetFieldValue<Instant>(13), reader.GetBoolean(14), reader.GetBoolean(15)),
        FlagsTable);

    public string Name => Prefix;

    public IReadOnlyList<ProjectionTable> Tables { get; } =
    [
        FlagTable.Declare(FlagsTable),
        new(ActsTable,
            """
            (chip_id text not null, seq_id bigint not null, group_key text not null, kind text not null, party_id text not null, facility_id text,
             country text, at timestamptz not null, shipment_seq_id bigint not null, shipper_id text not null, consignee_id text not null,
             end_user_id text not null, destination_country text not null, authorisation text not null, shipped_at timestamptz not null,
             party_restricted boolean not null, voided boolean not null, primary key (chip_id, seq_id))
            """,
            ["(group_key)"]),
    ];

    public async Task ApplyAsync(AsyncProjectionBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var chips = batch.Events.Where(e => e.Data is IChipEvent and not (ChipLocationAttested or ChipTenantAssigned))
            .Select(e => e.StreamKey).Distinct(StringComparer.Ordinal).ToArray();
        if (chips.Length == 0) return;
        var streams = await TouchedStreams.ReadChipsAsync(batch, serializer, chips, cancellationToken);
        var acts = chips.SelectMany(chip => ConsigneeMismatchFold.Of(chip, streams.GetValueOrDefault(chip, []))).ToList();
        if (acts.Count > 0)
        {
            var reference = new ReferenceStreams(serializer);
            await reference.LoadOrganisationsAsync(batch, acts.Select(a => a.PartyId).Distinct(StringComparer.Ordinal), cancellationToken);
            acts = [.. acts.Select(a => a with { PartyRestricted = Restricted(reference, a) })];
        }

        var groups = new HashSet<string>(acts.Select(a => a.GroupKey), StringComparer.Ordinal);
        await using (var delete = batch.CreateCommand($"delete from {batch.Table(ActsTable)} where chip_id = any($1) returning group_key"))
        {
            delete.Parameters.Add(TouchedStreams.Texts(chips));
            await using var reader = await delete.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) groups.Add(reader.GetString(0));
        }
        if (acts.Count > 0) await InsertAsync(batch, acts, cancellationToken);
        await Acts.JudgeAsync(batch, groups, ConsigneeMismatchJudgement.Judge, cancellationToken);
    }

    /// <summary>The party or its ultimate parent in D:5 or Macau on the act's date (Hong Kong as China).</summary>
    private static bool Restricted(ReferenceStreams reference, MismatchedAct act)
    {
        var date = act.At.InUtc().Date;
        if (reference.DirectoryAt(act.SeqId).Jurisdiction(act.PartyId, date) is not { } party) return false;
        return CountryGroups.IsD5OrMacau(Countries.AsTreatedByEar(party.Country), date)
            || CountryGroups.IsD5OrMacau(Countries.AsTreatedByEar(party.UltimateParentCountry), date);
    }

    private static async Task InsertAsync(AsyncProjectionBatch batch, List<MismatchedAct> acts, CancellationToken cancellationToken)
    {
        await using var insert = batch.CreateCommand(
            $"""
            insert into {batch.Table(ActsTable)} (chip_id, seq_id, group_key, kind, party_id, facility_id, country, at, shipment_seq_id, shipper_id,
                consignee_id, end_user_id, destination_country, authorisation, shipped_at, party_restricted, voided)
            select * from unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[],
                $9::bigint[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::timestamptz[], $16::boolean[], $17::boolean[])
            """);
        var p = insert.Parameters;
        p.Add(TouchedStreams.Texts(acts.Select(a => a.ChipId)));
        p.Add(new NpgsqlParameter<long[]> { TypedValue = [.. acts.Select(a => a.SeqId)] });
        p.Add(TouchedStreams.Texts(acts.Select(a => a.GroupKey)));
        p.Add(TouchedStreams.Texts(acts.Select(a => a.Kind)));
        p.Add(TouchedStreams.Texts(acts.Select(a => a.PartyId)));
        p.Add(TouchedStreams.Texts(acts.Select(a => a.FacilityId)));
        p.Add(TouchedStreams.Texts(acts.Select(a => a.Country)));
        p.Add(new NpgsqlParameter<Instant[]> { TypedValue = [.. acts.Select(a => a.At)] });
        p.Add(new NpgsqlParameter<long[]> { TypedValue = [.. acts.Select(a => a.ShipmentSeqId)] });
        p.Add(TouchedStreams.Texts(acts.Select(a => a.ShipperId)));
        p.Add(TouchedStreams.Texts(acts.Select(a => a.ConsigneeId)));
        p.Add(TouchedStreams.Texts(acts.Select(a => a.EndUserId)));
        p.Add(TouchedStreams.Texts(acts.Select(a => a.DestinationCountry)));
        p.Add(TouchedStreams.Texts(acts.Select(a => a.Authorisation)));
        p.Add(new NpgsqlParameter<Instant[]> { TypedValue = [.. acts.Select(a => a.ShippedAt)] });
        p.Add(new NpgsqlParameter<bool[]> { TypedValue = [.. acts.Select(a => a.PartyRestricted)] });
        p.Add(new NpgsqlParameter<bool[]> { TypedValue = [.. acts.Select(a => a.Voided)] });
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }
}
