using ChipRegistry.Domain.Detection.AttestationSilence;
using ChipRegistry.Domain.Detection.ConcentrationThreshold;
using ChipRegistry.Domain.Detection.ConsigneeMismatch;
using ChipRegistry.Domain.Detection.CustodyGap;
using ChipRegistry.Domain.Detection.Divergence;
using ChipRegistry.Domain.Detection.IdleInventory;
using ChipRegistry.Domain.Detection.ImpossibleSerial;
using ChipRegistry.Domain.Detection.LateReport;
using ChipRegistry.Domain.Detection.LicenceCheckFailed;
using ChipRegistry.Domain.Detection.LocationMismatch;
using ChipRegistry.Domain.Detection.NewEntity;
using ChipRegistry.Domain.Detection.OverCapacity;
using ChipRegistry.Domain.Detection.PayerJurisdiction;
using ChipRegistry.Domain.Detection.PreRuleSurge;
using ChipRegistry.Domain.Detection.RestrictedTenancy;
using ChipRegistry.Domain.Detection.Reviews;
using ChipRegistry.Domain.Detection.TaintedOrigin;
using ChipRegistry.Domain.Detection.TransshipmentHop;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.EventStore;
using NodaTime;
using Npgsql;

namespace ChipRegistry.Domain.Detection.Flags;

/// <summary>
/// Filters of <c>GET /api/v1/flags</c>. <see cref="AsOfEnd"/>: open at that instant (the end of the asked day);
/// <see cref="PeriodStart"/>/<see cref="PeriodEnd"/>: open at some moment of [start, end). Withdrawn flags are in
/// neither answer; <see cref="Status"/> <c>withdrawn</c> lists them. <see cref="Review"/>: where the latest review
/// leaves the flag (<see cref="FlagReviewStates"/>).
/// </summary>
public sealed record FlagQuery(
    int? Rule = null, string? Severity = null, string? Status = null, string? SubjectKind = null, string? SubjectId = null, string? Country = null,
    string? ChipId = null, Instant? AsOfEnd = null, Instant? PeriodStart = null, Instant? PeriodEnd = null, string? AfterId = null, int Limit = 50,
    string? Review = null);

/// <summary>
/// The review filter's values: a review's action where it stands, or <see cref="None"/> for a flag nobody reviewed or
/// whose dismissal lapsed on newer evidence (the agency's queue of flags to work).
/// </summary>
public static class FlagReviewStates
{
    public const string None = "none";

    public static IReadOnlyList<string> All { get; } = [None, .. FlagReviewActions.All];
}

/// <summary>A flag with its latest review and where that review leaves it (<see cref="FlagReviewDecision.StateOf"/>).</summary>
public sealed record FlagView(Flag Flag, FlagReviewed? LatestReview, string? ReviewState);

public sealed record FlagPage(IReadOnlyList<FlagView> Flags, string? NextAfterId);

/// <summary>One event behind a flag, as stored.</summary>
public sealed record EvidenceEvent(long SeqId, string StreamKey, string Type, Instant OccurredAt, Instant RecordedAt, string DataJson);

public static class FlagStatuses
{
    public const string Open = "open";
    public const string Closed = "closed";
    public const string Withdrawn = "withdrawn";

    public static IReadOnlyList<string> All { get; } = [Open, Closed, Withdrawn];
}

/// <summary>
/// Reads flags across the rules: the union of every rule's flag table (each rule rebuilds its own), the reviews from
/// the flags' own streams (never from a rule's table, so they outlive any rebuild).
/// </summary>
public sealed class FlagReads(IEventStore store, NpgsqlDataSource dataSource, EventSerializer serializer)
{
    /// <summary>The flag table of each built rule.</summary>
    public static IReadOnlyDictionary<int, string> TablesByRule { get; } = new Dictionary<int, string>
    {
        [CustodyGapJudgement.Rule] = CustodyGapProjection.FlagsTable,
        [LicenceCheckFailedJudgement.Rule] = LicenceCheckFailedProjection.FlagsTable,
        [LateReportJudgement.Rule] = LateReportProjection.FlagsTable,
        [ConsigneeMismatchJudgement.Rule] = ConsigneeMismatchProjection.FlagsTable,
        [LocationMismatchJudgement.Rule] = LocationMismatchProjection.FlagsTable,
        [ImpossibleSerialJudgement.Rule] = ImpossibleSerialProjection.FlagsTable,
        [AttestationSilenceJudgement.Rule] = AttestationSilenceProjection.FlagsTable,
        [TaintedOriginJudgement.Rule] = TaintedOriginProjection.FlagsTable,
        [OverCapacityJudgement.Rule] = OverCapacityProjection.FlagsTable,
        [NewEntityJudgement.Rule] = NewEntityProjection.FlagsTable,
        [IdleInventoryJudgement.Rule] = IdleInventoryProjection.FlagsTable,
        [PayerJurisdictionJudgement.Rule] = PayerJurisdictionProjection.FlagsTable,
        [TransshipmentHopJudgement.Rule] = TransshipmentHopProjection.FlagsTable,
        [DivergenceJudgement.Rule] = DivergenceProjection.FlagsTable,
        [RestrictedTenancyJudgement.Rule] = RestrictedTenancyProjection.FlagsTable,
        [ConcentrationThresholdJudgement.Rule] = ConcentrationThresholdProjection.FlagsTable,
        [PreRuleSurgeJudgement.Rule] = PreRuleSurgeProjection.FlagsTable,
    };

    public async Task<FlagPage> ListAsync(FlagQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var tables = query.Rule is { } rule ? TablesByRule.Where(t => t.Key == rule).Select(t => t.Value).ToList() : [.. TablesByRule.Values];
        if (tables.Count == 0) return new FlagPage([], null);

        await using var command = dataSource.CreateCommand();
        var where = new List<string>();
        string Parameter<T>(T value)
        {
            command.Parameters.Add(new NpgsqlParameter<T> { TypedValue = value });
            return $"${command.Parameters.Count}";
        }
        if (query.Severity is { } severity) where.Add($"severity = {Parameter(severity)}");
        if (query.SubjectKind is { } kind) where.Add($"subject_kind = {Parameter(kind)}");
        if (query.SubjectId is { } subject) where.Add($"subject_id = {Parameter(subject)}");
        if (query.Country is { } country) where.Add($"country = {Parameter(country)}");
        if (query.ChipId is { } chip) where.Add($"chips @> array[{Parameter(chip)}]");
        where.Add(query.Status switch
        {
            FlagStatuses.Open => "not withdrawn and closed_at is null",
            FlagStatuses.Closed => "not withdrawn and closed_at is not null",
            FlagStatuses.Withdrawn => "withdrawn",
            _ => "true",
        });
        if (query.AsOfEnd is { } end)
        {
            var at = Parameter(end);
            where.Add($"not withdrawn and opened_at < {at} and (closed_at is null or closed_at >= {at})");
        }
        if (query.PeriodStart is { } from && query.PeriodEnd is { } to)
        {
            where.Add($"not withdrawn and opened_at < {Parameter(to)} and (closed_at is null or closed_at > {Parameter(from)})");
        }
        if (query.AfterId is { } after) where.Add($"flag_id > {Parameter(after)}");
        var review = "";
        if (query.Review is { } state)
        {
            // The latest event of the flag's stream, judged as FlagReviewDecision.StateOf judges it.
            review =
                $"""
                 left join lateral (
                    select e.type, e.data->>'action' as action, (e.data->>'evidence_through')::bigint as through
                    from {store.Schema.Quoted}.events e where e.stream_key = {Parameter(StreamKeys.PrefixOf(StreamKeys.FlagType))} || f.flag_id
                    order by e.version desc limit 1) r on true
                """;
            var standing =
                $"""
                case when r.type is distinct from {Parameter(DomainEventNames.NameOf(typeof(FlagReviewed)))} then null
                     when r.action = {Parameter(FlagReviewActions.Dismiss)} and coalesce((select max(x) from unnest(f.evidence) x), 0) > r.through then null
                     else r.action end
                """;
            where.Add(state == FlagReviewStates.None ? $"({standing}) is null" : $"({standing}) = {Parameter(state)}");
        }
        var union = string.Join(" union all ", tables.Select(t => $"select {FlagTable.Columns} from {store.Schema.Quoted}.{t}"));
        var columns = string.Join(", ", FlagTable.Columns.Split(", ").Select(c => $"f.{c}"));
        command.CommandText =
            $"select {columns} from ({union}) f{review} where {string.Join(" and ", where)} order by f.flag_id limit {Parameter(query.Limit + 1)}";

        var flags = new List<Flag>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken)) flags.Add(FlagTable.Read(reader, 0));
        }
        var more = flags.Count > query.Limit;
        if (more) flags.RemoveAt(flags.Count - 1);
        var views = await WithReviewsAsync(flags, cancellationToken);
        return new FlagPage(views, more ? flags[^1].Id : null);
    }

    public async Task<FlagView?> FindAsync(string flagId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(flagId);
        if (FlagIds.RuleOf(flagId) is not { } rule || !TablesByRule.TryGetValue(rule, out var table)) return null;
        await using var command = dataSource.CreateCommand($"select {FlagTable.Columns} from {store.Schema.Quoted}.{table} where flag_id = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = flagId });
        Flag? flag = null;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (await reader.ReadAsync(cancellationToken)) flag = FlagTable.Read(reader, 0);
        }
        return flag is null ? null : (await WithReviewsAsync([flag], cancellationToken))[0];
    }

    /// <summary>The flag's evidence events in sequence order.</summary>
    public async Task<IReadOnlyList<EvidenceEvent>> EvidenceAsync(Flag flag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(flag);
        await using var command = dataSource.CreateCommand(
            $"select seq_id, stream_key, type, occurred_at, recorded_at, data::text from {store.Schema.Quoted}.events where seq_id = any($1) order by seq_id");
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. flag.Evidence] });
        var events = new List<EvidenceEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(new EvidenceEvent(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<Instant>(3),
                reader.GetFieldValue<Instant>(4), reader.GetString(5)));
        }
        return events;
    }

    private async Task<IReadOnlyList<FlagView>> WithReviewsAsync(IReadOnlyList<Flag> flags, CancellationToken cancellationToken)
    {
        var latest = new Dictionary<string, FlagReviewed>(StringComparer.Ordinal);
        if (flags.Count > 0)
        {
            await using var command = dataSource.CreateCommand(
                $"""
                select distinct on (stream_key) type, data::text from {store.Schema.Quoted}.events
                where stream_key = any($1) order by stream_key, version desc
                """);
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. flags.Select(f => StreamKeys.Flag(f.Id))] });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                if (serializer.Deserialize(reader.GetString(0), reader.GetString(1)) is FlagReviewed review) latest[review.FlagId] = review;
            }
        }
        return [.. flags.Select(f => latest.TryGetValue(f.Id, out var review)
            ? new FlagView(f, review, FlagReviewDecision.StateOf(f, review))
            : new FlagView(f, null, null))];
    }
}
