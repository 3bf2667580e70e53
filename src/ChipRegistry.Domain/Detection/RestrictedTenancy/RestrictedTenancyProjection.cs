using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Detection.Clock;
using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Detection.Thresholds;
using ChipRegistry.Domain.Policy;
using ChipRegistry.Domain.Projections;
using ChipRegistry.Domain.Projections.Placements;
using ChipRegistry.EventStore;
using NodaTime;
using Npgsql;

namespace ChipRegistry.Domain.Detection.RestrictedTenancy;

/// <summary>
/// Rule 13 on the daemon. Every chip a batch installs, assigns or takes off its cluster is folded again
/// (<see cref="RestrictedTenancy.AssignmentsOf"/>) and its tenancies by restricted tenants replaced (the tenant's
/// ultimate parent read from the organisation streams as they stood when the assignment was recorded); each cluster
/// and tenant keeps in <c>restricted_tenancy_due</c> the instant its assigned chips next reach the minimum, so a clock
/// tick judges only what fell due since the previous tick and what changed since it, never every cluster. The batch
/// is cut at its ticks and threshold changes, as rule 1's is.
/// </summary>
public sealed class RestrictedTenancyProjection(EventSerializer serializer) : IAsyncProjection
{
    public const string Prefix = "restricted_tenancy";
    public const string FlagsTable = Prefix + "_flags";
    private const string TenanciesTable = Prefix + "_tenancies";
    private static readonly DueIndex Due = new(Prefix + "_due");

    private static readonly GroupedFacts<RestrictedTenancy> Tenancies = new(TenanciesTable,
        "chip_id, seq_id, facility_id, cluster_id, country, tenant_id, parent_id, parent_country, from_at, until_at, voided",
        reader => new RestrictedTenancy(reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
            reader.GetString(5), reader.GetString(6), reader.GetString(7), reader.GetFieldValue<Instant>(8),
            reader.IsDBNull(9) ? null : reader.GetFieldValue<Instant>(9), reader.GetBoolean(10)),
        FlagsTable);

    public string Name => Prefix;

    public IReadOnlyList<ProjectionTable> Tables { get; } =
    [
        FlagTable.Declare(FlagsTable),
        new(TenanciesTable,
            """
            (chip_id text not null, seq_id bigint not null, group_key text not null, facility_id text not null, cluster_id text not null,
             country text not null, tenant_id text not null, parent_id text not null, parent_country text not null, from_at timestamptz not null,
             until_at timestamptz, voided boolean not null, primary key (chip_id, seq_id))
            """,
            ["(group_key)"]),
        Due.Declare(),
        .. RuleInputs.Tables(Prefix),
    ];

    public async Task ApplyAsync(AsyncProjectionBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var inputs = await RuleInputs.LoadAsync(batch, Prefix, cancellationToken);
        var chips = batch.Events.Where(e => RestrictedTenancy.Matters(e.Data)).Select(e => e.StreamKey).Distinct(StringComparer.Ordinal).ToArray();
        var streams = chips.Length == 0 ? [] : await TouchedStreams.ReadChipsAsync(batch, serializer, chips, cancellationToken);
        var reference = new ReferenceStreams(serializer);

        await DeadlineWalk.RunAsync(batch, inputs, RestrictedTenancy.Matters,
            (chips, through) => RefoldAsync(batch, inputs, reference, streams, chips, through, cancellationToken),
            (previous, now) => TickAsync(batch, inputs, previous, now, cancellationToken),
            change => change.Threshold is DetectionThresholds.TenancyMinDays or DetectionThresholds.TenancyMinChips ? RescheduleAsync(batch, inputs, cancellationToken) : Task.CompletedTask,
            cancellationToken);
    }

    private static async Task RefoldAsync(
        AsyncProjectionBatch batch, RuleInputs inputs, ReferenceStreams reference, Dictionary<string, List<SequencedChipEvent>> streams,
        string[] chips, long throughSeqId, CancellationToken cancellationToken)
    {
        var assignments = chips.SelectMany(chip => RestrictedTenancy.AssignmentsOf(chip, [.. streams.GetValueOrDefault(chip, []).Where(e => e.SeqId <= throughSeqId)]))
            .ToList();
        await reference.LoadOrganisationsAsync(batch, assignments.Select(a => a.Assigned.TenantId).Distinct(StringComparer.Ordinal), cancellationToken);
        var rows = new List<RestrictedTenancy>();
        foreach (var a in assignments)
        {
            var date = a.Assigned.From.InUtc().Date;
            if (reference.DirectoryAt(a.SeqId).Jurisdiction(a.Assigned.TenantId, date) is not { } tenant
                || !CountryGroups.IsD5OrMacau(Countries.AsTreatedByEar(tenant.UltimateParentCountry), date))
            {
                continue;
            }
            rows.Add(new RestrictedTenancy(a.Assigned.ChipId, a.SeqId, a.FacilityId, a.ClusterId, a.Country, a.Assigned.TenantId, tenant.UltimateParentId,
                tenant.UltimateParentCountry, a.Assigned.From, a.Until, a.Voided));
        }

        var groups = new HashSet<string>(rows.Select(r => r.GroupKey), StringComparer.Ordinal);
        await using (var delete = batch.CreateCommand($"delete from {batch.Table(TenanciesTable)} where chip_id = any($1) returning group_key"))
        {
            delete.Parameters.Add(TouchedStreams.Texts(chips));
            await using var reader = await delete.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) groups.Add(reader.GetString(0));
        }
        if (rows.Count > 0)
        {
            await using var insert = batch.CreateCommand(
                $"""
                insert into {batch.Table(TenanciesTable)} (chip_id, seq_id, group_key, facility_id, cluster_id, country, tenant_id, parent_id,
                    parent_country, from_at, until_at, voided)
                select * from unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                    $10::timestamptz[], $11::timestamptz[], $12::boolean[])
                """);
            var p = insert.Parameters;
            p.Add(TouchedStreams.Texts(rows.Select(r => r.ChipId)));
            p.Add(new NpgsqlParameter<long[]> { TypedValue = [.. rows.Select(r => r.SeqId)] });
            p.Add(TouchedStreams.Texts(rows.Select(r => r.GroupKey)));
            p.Add(TouchedStreams.Texts(rows.Select(r => r.FacilityId)));
            p.Add(TouchedStreams.Texts(rows.Select(r => r.ClusterId)));
            p.Add(TouchedStreams.Texts(rows.Select(r => r.Country)));
            p.Add(TouchedStreams.Texts(rows.Select(r => r.TenantId)));
            p.Add(TouchedStreams.Texts(rows.Select(r => r.ParentId)));
            p.Add(TouchedStreams.Texts(rows.Select(r => r.ParentCountry)));
            p.Add(new NpgsqlParameter<Instant[]> { TypedValue = [.. rows.Select(r => r.From)] });
            p.Add(new NpgsqlParameter<Instant?[]> { TypedValue = [.. rows.Select(r => r.Until)] });
            p.Add(new NpgsqlParameter<bool[]> { TypedValue = [.. rows.Select(r => r.Voided)] });
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await JudgeAsync(batch, inputs, groups, mayOpen: false, markChanged: true, cancellationToken);
    }

    /// <summary>A tick judges the groups due since the previous tick and those changed since it, and nothing else.</summary>
    private static async Task TickAsync(AsyncProjectionBatch batch, RuleInputs inputs, Instant? previous, Instant now, CancellationToken cancellationToken)
    {
        var groups = await Due.FellDueAsync(batch, previous, now, cancellationToken);
        await JudgeAsync(batch, inputs, groups, mayOpen: true, markChanged: false, cancellationToken);
    }

    /// <summary>A changed tenancy threshold moves every group's spells: they are judged again (a rare act, on the groups with standing tenancies).</summary>
    private static async Task RescheduleAsync(AsyncProjectionBatch batch, RuleInputs inputs, CancellationToken cancellationToken)
    {
        var groups = await Tenancies.GroupsWhereAsync(batch, "not voided", cancellationToken);
        await JudgeAsync(batch, inputs, groups, mayOpen: false, markChanged: true, cancellationToken);
    }

    private static async Task JudgeAsync(
        AsyncProjectionBatch batch, RuleInputs inputs, IReadOnlyCollection<string> groups, bool mayOpen, bool markChanged, CancellationToken cancellationToken)
    {
        await Tenancies.JudgeAndScheduleAsync(batch, groups,
            (rows, existing) => RestrictedTenancyJudgement.Judge(rows, inputs.Thresholds, inputs.LatestTick, existing, mayOpen), Due, markChanged, cancellationToken);
    }
}
