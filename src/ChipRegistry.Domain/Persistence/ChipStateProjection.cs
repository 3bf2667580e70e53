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
public sealed class ChipStateProjection : IInlineProjection
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
        await WriteUsageAsync(session, usage, cancellationToken);
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
        await using var command = session.CreateCommand(
            $"""
            insert into {session.Schema.Quoted}.chip_state (chip_id, version, last_seq_id, stage, model_id, manufacturer_id, lot_id, owner_id, custodian_id,
                location_country, facility_id, cluster_id, assembly_id, on_hold, illegitimate, observations, conflicting_observations, state)
            select u.chip_id, u.version, u.last_seq_id, u.stage, u.model_id, u.manufacturer_id, u.lot_id, u.owner_id, u.custodian_id,
                u.location_country, u.facility_id, u.cluster_id, u.assembly_id, u.on_hold, u.illegitimate, u.observations, u.conflicting_observations, u.state::jsonb
            from unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                $10::text[], $11::text[], $12::text[], $13::text[], $14::boolean[], $15::boolean[], $16::int[], $17::int[], $18::text[])
                as u(chip_id, version, last_seq_id, stage, model_id, manufacturer_id, lot_id, owner_id, custodian_id,
                location_country, facility_id, cluster_id, assembly_id, on_hold, illegitimate, observations, conflicting_observations, state)
            on conflict (chip_id) do update set
                version = excluded.version, last_seq_id = excluded.last_seq_id, stage = excluded.stage, model_id = excluded.model_id,
                manufacturer_id = excluded.manufacturer_id, lot_id = excluded.lot_id, owner_id = excluded.owner_id, custodian_id = excluded.custodian_id,
                location_country = excluded.location_country, facility_id = excluded.facility_id, cluster_id = excluded.cluster_id,
                assembly_id = excluded.assembly_id, on_hold = excluded.on_hold, illegitimate = excluded.illegitimate,
                observations = excluded.observations, conflicting_observations = excluded.conflicting_observations, state = excluded.state, history = null
            """);
        Text(command, rows.Select(r => r.Last.StreamKey));
        Add(command, rows.Select(r => r.Last.Version).ToArray(), NpgsqlDbType.Bigint);
        Add(command, rows.Select(r => r.Last.SeqId).ToArray(), NpgsqlDbType.Bigint);
        Text(command, rows.Select(r => StageName(r.State.Stage)));
        Text(command, rows.Select(r => r.State.ModelId));
        Text(command, rows.Select(r => r.State.ManufacturerId));
        Text(command, rows.Select(r => r.State.LotId));
        Text(command, rows.Select(r => r.State.OwnerId));
        Text(command, rows.Select(r => r.State.CustodianId));
        Text(command, rows.Select(r => r.State.LocationCountry));
        Text(command, rows.Select(r => r.State.Installation?.FacilityId));
        Text(command, rows.Select(r => r.State.Installation?.ClusterId));
        Text(command, rows.Select(r => r.State.AssemblyId));
        Add(command, rows.Select(r => r.State.Hold is not null).ToArray(), NpgsqlDbType.Boolean);
        Add(command, rows.Select(r => r.State.Illegitimacy is not null).ToArray(), NpgsqlDbType.Boolean);
        Add(command, rows.Select(r => r.State.Observations).ToArray(), NpgsqlDbType.Integer);
        Add(command, rows.Select(r => r.State.ConflictingObservations).ToArray(), NpgsqlDbType.Integer);
        Text(command, rows.Select(r => ChipStateJson.Write(r.State)));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// How many chips were shipped citing each licence or notification number, voided shipments excepted: the
    /// quantity a shipment's licence check counts against, kept in the append's transaction.
    /// </summary>
    private static async Task WriteUsageAsync(ProjectionSession session, Dictionary<string, int> usage, CancellationToken cancellationToken)
    {
        var changes = usage.Where(p => p.Value != 0).ToList();
        if (changes.Count == 0) return;
        await using var command = session.CreateCommand(
            $"""
            insert into {session.Schema.Quoted}.licence_usage as u (authorisation_number, shipped)
            select * from unnest($1::text[], $2::int[])
            on conflict (authorisation_number) do update set shipped = u.shipped + excluded.shipped
            """);
        Text(command, changes.Select(c => c.Key));
        Add(command, changes.Select(c => c.Value).ToArray(), NpgsqlDbType.Integer);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The stage as stored in <c>chip_state.stage</c> and searched by: snake_case (<c>in_stock</c>).</summary>
    public static string StageName(ChipStage stage) => JsonNamingPolicy.SnakeCaseLower.ConvertName(stage.ToString());

    internal static void Text(NpgsqlCommand command, IEnumerable<string?> values) =>
        command.Parameters.Add(new NpgsqlParameter<string?[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = values.ToArray() });

    internal static void Add<T>(NpgsqlCommand command, T[] values, NpgsqlDbType type) =>
        command.Parameters.Add(new NpgsqlParameter<T[]> { NpgsqlDbType = NpgsqlDbType.Array | type, TypedValue = values });
}
