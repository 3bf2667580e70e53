using System.Text.Json;
using ChipRegistry.Domain.Chips;
using ChipRegistry.EventStore;
using Npgsql;
using NpgsqlTypes;

namespace ChipRegistry.Domain.Persistence;

/// <summary>
/// The inline chip-state projection: for every chip stream touched by an append (single, multi-stream or bulk), the
/// new events are evolved onto the chip's state and the row upserted, and the party-period table follows every
/// change of party, all in the append's transaction. The prior state is the one the command lent with its append
/// (<see cref="StreamAppend.Snapshot"/>: the chip is then read once per command, here included); without a loan it is
/// read from the prior rows in one select (none for new streams, so a bulk lot reads nothing). A void re-folds the
/// chip's history: from the <see cref="ChipHistory"/> the void's command lent, else from the stream.
/// </summary>
public sealed class ChipStateProjection : IFusedInlineProjection
{
    public string Name => "chip_state";

    public async Task ApplyAsync(ProjectionSession session, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(events);
        var byChip = new Dictionary<string, List<StoredEvent>>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            // Chip events outside the chip's own stream (sightings of unregistered serials) are not chip state.
            if (e.Data is not IChipEvent chipEvent || e.StreamKey != StreamKeys.Chip(chipEvent.ChipId)) continue;
            if (!byChip.TryGetValue(e.StreamKey, out var list)) byChip[e.StreamKey] = list = [];
            list.Add(e);
        }
        if (byChip.Count == 0) return;

        var unlent = byChip.Where(p => p.Value[0].Version > 1 && Lent(session, p.Key, p.Value[0].Version - 1) is null).Select(p => p.Key).ToArray();
        var loaded = unlent.Length == 0
            ? new Dictionary<string, ChipState>(StringComparer.Ordinal)
            : await ChipStateRows.LoadStatesAsync(session.Connection, session.Transaction, session.Schema, unlent, forUpdate: true, cancellationToken);

        var rows = new List<(ChipState State, StoredEvent Last)>(byChip.Count);
        var parties = new PartyPeriodChanges();
        var usage = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (key, list) in byChip)
        {
            var chipId = ((IChipEvent)list[0].Data).ChipId;
            object prior = Lent(session, key, list[0].Version - 1)
                ?? (list[0].Version == 1 ? ChipState.Initial(chipId) : loaded.GetValueOrDefault(key))
                ?? throw new InvalidOperationException($"chip_state of {key} has no row, the append starts at {list[0].Version}");
            if (prior is ChipState { Version: var v } && v != list[0].Version - 1)
            {
                throw new InvalidOperationException($"chip_state of {key} is at version {v}, the append starts at {list[0].Version}");
            }
            if (prior is ChipState state && list.Any(e => e.Data is ChipEventVoided))
            {
                // A void re-folds the history, which the state alone does not keep: read the stream once (as this
                // transaction sees it) and fold it up to the append.
                var stream = await session.ReadStreamAsync(key, cancellationToken);
                prior = ChipHistory.Fold(chipId, stream.Where(e => e.Version < list[0].Version).Select(e => (IChipEvent)e.Data));
            }
            var after = prior is ChipHistory history ? Evolve(history, list, parties, usage) : Evolve((ChipState)prior, list, parties, usage);
            rows.Add((after, list[^1]));
        }
        await UpsertAsync(session, rows, cancellationToken);
        await parties.WriteAsync(session.Connection, session.Transaction, session.Schema, cancellationToken);
        await WriteUsageAsync(session, usage, QuantityLimits(byChip.Values.SelectMany(l => l)), cancellationToken);
    }

    /// <summary>
    /// A command's append that lent the chip's state (or a new chip's first events) needs nothing read: its row, party
    /// periods and licence usage are written in the append's own statement. Null (written after the append) when the
    /// state was not lent, or a void must re-fold a history that was not lent.
    /// </summary>
    public FusedWrites? Fuse(SchemaName schema, IReadOnlyList<StoredEvent> events, object? snapshot, int firstParameter)
    {
        ArgumentNullException.ThrowIfNull(events);
        var list = events.Where(e => e.Data is IChipEvent chipEvent && e.StreamKey == StreamKeys.Chip(chipEvent.ChipId)).ToList();
        if (list.Count == 0) return FusedWrites.None;
        var chipId = ((IChipEvent)list[0].Data).ChipId;
        object? prior = snapshot switch
        {
            ChipState s when s.Version == list[0].Version - 1 => s,
            ChipHistory h when h.State.Version == list[0].Version - 1 => h,
            _ => list[0].Version == 1 ? ChipState.Initial(chipId) : null,
        };
        if (prior is null || (prior is ChipState && list.Any(e => e.Data is ChipEventVoided))) return null;
        // A shipment whose licence check passed on quantity is checked again against the usage row it updates, which
        // takes a statement of its own after the append (a failed check must fail the append).
        if (QuantityLimits(list).Count > 0) return null;

        var parties = new PartyPeriodChanges();
        var usage = new Dictionary<string, int>(StringComparer.Ordinal);
        var after = prior is ChipHistory history ? Evolve(history, list, parties, usage) : Evolve((ChipState)prior, list, parties, usage);
        var parameters = UpsertParameters([(after, list[^1])]);
        var statements = new List<string> { UpsertSql(schema, firstParameter, fused: true) };
        parties.Fuse(schema, firstParameter + parameters.Count, statements, parameters);
        var changes = usage.Where(p => p.Value != 0).ToList();
        if (changes.Count > 0)
        {
            statements.Add(UsageSql(schema, firstParameter + parameters.Count, fused: true));
            parameters.AddRange(UsageParameters(changes));
        }
        return new FusedWrites(statements, parameters);
    }

    /// <summary>The state (or history) the command lent for the chip at <paramref name="version"/>, if it lent one.</summary>
    private static object? Lent(ProjectionSession session, string key, long version) => session.SnapshotOf(key) switch
    {
        ChipState s when s.Version == version => s,
        ChipHistory h when h.State.Version == version => h,
        _ => null,
    };

    private static ChipState Evolve(ChipState state, List<StoredEvent> events, PartyPeriodChanges parties, Dictionary<string, int> usage)
    {
        foreach (var e in events)
        {
            if (e.Data is ChipShipped { AuthorisationNumber: { } number }) usage[number] = usage.GetValueOrDefault(number) + 1;
            var next = ChipState.Evolve(state, (IChipEvent)e.Data);
            parties.Step(e.StreamKey, state, next);
            state = next;
        }
        return state;
    }

    private static ChipState Evolve(ChipHistory history, List<StoredEvent> events, PartyPeriodChanges parties, Dictionary<string, int> usage)
    {
        foreach (var e in events)
        {
            var shipped = e.Data switch
            {
                ChipShipped s => s,
                ChipEventVoided v when !history.Voided.Contains(v.VoidedEventId) => history.Find(v.VoidedEventId) as ChipShipped,
                _ => null,
            };
            if (shipped is { AuthorisationNumber: { } number }) usage[number] = usage.GetValueOrDefault(number) + (e.Data is ChipEventVoided ? -1 : 1);
            var next = history.Evolve((IChipEvent)e.Data);
            parties.Step(e.StreamKey, history.State, next.State);
            history = next;
        }
        return history.State;
    }

    private static async Task UpsertAsync(ProjectionSession session, List<(ChipState State, StoredEvent Last)> rows, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand(UpsertSql(session.Schema, 1, fused: false));
        command.Parameters.AddRange(UpsertParameters(rows).ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// The rows' upsert, parameters from <paramref name="first"/>. Fused into the append's statement it takes the
    /// sequence number from the appended rows (<c>inserted</c>) and writes nothing when there are none (a conflict).
    /// </summary>
    private static string UpsertSql(SchemaName schema, int first, bool fused)
    {
        string P(int n) => $"${first + n - 1}";
        return $"""
            insert into {schema.Quoted}.chip_state (chip_id, version, last_seq_id, stage, model_id, manufacturer_id, lot_id, owner_id, custodian_id,
                location_country, facility_id, cluster_id, assembly_id, on_hold, illegitimate, observations, conflicting_observations, state)
            select u.chip_id, u.version, {(fused ? "(select i.seq_id from inserted i order by i.version desc limit 1)" : "u.last_seq_id")}, u.stage, u.model_id,
                u.manufacturer_id, u.lot_id, u.owner_id, u.custodian_id,
                u.location_country, u.facility_id, u.cluster_id, u.assembly_id, u.on_hold, u.illegitimate, u.observations, u.conflicting_observations, u.state::jsonb
            from unnest({P(1)}::text[], {P(2)}::bigint[], {P(3)}::bigint[], {P(4)}::text[], {P(5)}::text[], {P(6)}::text[], {P(7)}::text[], {P(8)}::text[], {P(9)}::text[],
                {P(10)}::text[], {P(11)}::text[], {P(12)}::text[], {P(13)}::text[], {P(14)}::boolean[], {P(15)}::boolean[], {P(16)}::int[], {P(17)}::int[], {P(18)}::text[])
                as u(chip_id, version, last_seq_id, stage, model_id, manufacturer_id, lot_id, owner_id, custodian_id,
                location_country, facility_id, cluster_id, assembly_id, on_hold, illegitimate, observations, conflicting_observations, state)
            {(fused ? "where exists (select 1 from inserted)" : "")}
            on conflict (chip_id) do update set
                version = excluded.version, last_seq_id = excluded.last_seq_id, stage = excluded.stage, model_id = excluded.model_id,
                manufacturer_id = excluded.manufacturer_id, lot_id = excluded.lot_id, owner_id = excluded.owner_id, custodian_id = excluded.custodian_id,
                location_country = excluded.location_country, facility_id = excluded.facility_id, cluster_id = excluded.cluster_id,
                assembly_id = excluded.assembly_id, on_hold = excluded.on_hold, illegitimate = excluded.illegitimate,
                observations = excluded.observations, conflicting_observations = excluded.conflicting_observations, state = excluded.state, history = null
            """;
    }

    private static List<NpgsqlParameter> UpsertParameters(List<(ChipState State, StoredEvent Last)> rows) =>
    [
        Text(rows.Select(r => r.Last.StreamKey)),
        Array(rows.Select(r => r.Last.Version).ToArray(), NpgsqlDbType.Bigint),
        Array(rows.Select(r => r.Last.SeqId).ToArray(), NpgsqlDbType.Bigint),
        Text(rows.Select(r => StageName(r.State.Stage))),
        Text(rows.Select(r => r.State.ModelId)),
        Text(rows.Select(r => r.State.ManufacturerId)),
        Text(rows.Select(r => r.State.LotId)),
        Text(rows.Select(r => r.State.OwnerId)),
        Text(rows.Select(r => r.State.CustodianId)),
        Text(rows.Select(r => r.State.LocationCountry)),
        Text(rows.Select(r => r.State.Installation?.FacilityId)),
        Text(rows.Select(r => r.State.Installation?.ClusterId)),
        Text(rows.Select(r => r.State.AssemblyId)),
        Array(rows.Select(r => r.State.Hold is not null).ToArray(), NpgsqlDbType.Boolean),
        Array(rows.Select(r => r.State.Illegitimacy is not null).ToArray(), NpgsqlDbType.Boolean),
        Array(rows.Select(r => r.State.Observations).ToArray(), NpgsqlDbType.Integer),
        Array(rows.Select(r => r.State.ConflictingObservations).ToArray(), NpgsqlDbType.Integer),
        Text(rows.Select(r => ChipStateJson.Write(r.State))),
    ];

    /// <summary>
    /// How many chips were shipped citing each licence or notification number, voided shipments excepted: the
    /// quantity a shipment's licence check counts against, kept in the append's transaction.
    /// </summary>
    private static async Task WriteUsageAsync(ProjectionSession session, Dictionary<string, int> usage, Dictionary<string, int> limits, CancellationToken cancellationToken)
    {
        var changes = usage.Where(p => p.Value != 0).ToList();
        if (changes.Count == 0) return;
        await using var command = session.CreateCommand(UsageSql(session.Schema, 1, fused: false) + " returning authorisation_number, shipped");
        command.Parameters.AddRange(UsageParameters(changes).ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            // The upsert waited for any concurrent shipment under the number to commit, so this is the count no other
            // append can change before ours commits. Over the quantity the decision saw room for: a shipment under the
            // licence committed between the decision's read and this append. Nothing is written; the command decides again.
            if (limits.TryGetValue(reader.GetString(0), out var limit) && reader.GetInt32(1) > limit)
            {
                throw new StreamVersionConflictException(
                    $"licence {reader.GetString(0)}: {reader.GetInt32(1)} chips shipped with this append, over its quantity of {limit}, which the licence check saw room for");
            }
        }
    }

    /// <summary>The quantity each licence number's shipments in <paramref name="events"/> were checked against (only those the check passed).</summary>
    private static Dictionary<string, int> QuantityLimits(IEnumerable<StoredEvent> events)
    {
        var limits = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            if (e.Data is ChipShipped { AuthorisationNumber: { } number, LicenceQuantity: { } quantity })
            {
                limits[number] = Math.Min(quantity, limits.GetValueOrDefault(number, int.MaxValue));
            }
        }
        return limits;
    }

    private static string UsageSql(SchemaName schema, int first, bool fused) =>
        $"""
        insert into {schema.Quoted}.licence_usage as u (authorisation_number, shipped)
        select * from unnest(${first}::text[], ${first + 1}::int[])
        {(fused ? "where exists (select 1 from inserted)" : "")}
        on conflict (authorisation_number) do update set shipped = u.shipped + excluded.shipped
        """;

    private static List<NpgsqlParameter> UsageParameters(List<KeyValuePair<string, int>> changes) =>
        [Text(changes.Select(c => c.Key)), Array(changes.Select(c => c.Value).ToArray(), NpgsqlDbType.Integer)];

    /// <summary>The stage as stored in <c>chip_state.stage</c> and searched by: snake_case (<c>in_stock</c>).</summary>
    public static string StageName(ChipStage stage) => JsonNamingPolicy.SnakeCaseLower.ConvertName(stage.ToString());

    internal static void Text(NpgsqlCommand command, IEnumerable<string?> values) => command.Parameters.Add(Text(values));

    internal static void Add<T>(NpgsqlCommand command, T[] values, NpgsqlDbType type) => command.Parameters.Add(Array(values, type));

    internal static NpgsqlParameter Text(IEnumerable<string?> values) =>
        new NpgsqlParameter<string?[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = values.ToArray() };

    internal static NpgsqlParameter Array<T>(T[] values, NpgsqlDbType type) =>
        new NpgsqlParameter<T[]> { NpgsqlDbType = NpgsqlDbType.Array | type, TypedValue = values };
}
