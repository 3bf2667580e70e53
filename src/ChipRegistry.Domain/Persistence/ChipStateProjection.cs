using System.Text.Json;
using ChipRegistry.Domain.Chips;
using ChipRegistry.EventStore;
using Npgsql;
using NpgsqlTypes;

namespace ChipRegistry.Domain.Persistence;

/// <summary>
/// The inline chip-state projection: for every chip stream touched by an append (single, multi-stream or bulk),
/// the previous row's history is folded, the new events evolved onto it (a void re-folds, exactly as
/// <see cref="ChipState.Evolve"/> does), and the row upserted, all in the append's transaction. Set-wise: one
/// select of the prior rows (none for new streams, so a bulk lot reads nothing) and one upsert per call.
/// </summary>
public sealed class ChipStateProjection(EventSerializer serializer) : IInlineProjection
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

        var existing = byChip.Where(p => p.Value[0].Version > 1).Select(p => p.Key).ToArray();
        var states = existing.Length == 0
            ? new Dictionary<string, ChipState>(StringComparer.Ordinal)
            : await ChipStateRows.LoadStatesAsync(session.Connection, session.Transaction, session.Schema, serializer, existing, forUpdate: true, cancellationToken);

        var rows = new List<(ChipState State, StoredEvent Last)>(byChip.Count);
        foreach (var (key, list) in byChip)
        {
            var state = states.GetValueOrDefault(key) ?? ChipState.Initial(((IChipEvent)list[0].Data).ChipId);
            if (state.Version != list[0].Version - 1)
            {
                throw new InvalidOperationException($"chip_state of {key} is at version {state.Version}, the append starts at {list[0].Version}");
            }
            foreach (var e in list) state = ChipState.Evolve(state, (IChipEvent)e.Data);
            rows.Add((state, list[^1]));
        }
        await UpsertAsync(session, rows, cancellationToken);
    }

    private async Task UpsertAsync(ProjectionSession session, List<(ChipState State, StoredEvent Last)> rows, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand(
            $"""
            insert into {session.Schema.Quoted}.chip_state (chip_id, version, last_seq_id, stage, model_id, manufacturer_id, lot_id, owner_id, custodian_id,
                location_country, facility_id, cluster_id, assembly_id, on_hold, illegitimate, observations, conflicting_observations, history)
            select u.chip_id, u.version, u.last_seq_id, u.stage, u.model_id, u.manufacturer_id, u.lot_id, u.owner_id, u.custodian_id,
                u.location_country, u.facility_id, u.cluster_id, u.assembly_id, u.on_hold, u.illegitimate, u.observations, u.conflicting_observations, u.history::jsonb
            from unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                $10::text[], $11::text[], $12::text[], $13::text[], $14::boolean[], $15::boolean[], $16::int[], $17::int[], $18::text[])
                as u(chip_id, version, last_seq_id, stage, model_id, manufacturer_id, lot_id, owner_id, custodian_id,
                location_country, facility_id, cluster_id, assembly_id, on_hold, illegitimate, observations, conflicting_observations, history)
            on conflict (chip_id) do update set
                version = excluded.version, last_seq_id = excluded.last_seq_id, stage = excluded.stage, model_id = excluded.model_id,
                manufacturer_id = excluded.manufacturer_id, lot_id = excluded.lot_id, owner_id = excluded.owner_id, custodian_id = excluded.custodian_id,
                location_country = excluded.location_country, facility_id = excluded.facility_id, cluster_id = excluded.cluster_id,
                assembly_id = excluded.assembly_id, on_hold = excluded.on_hold, illegitimate = excluded.illegitimate,
                observations = excluded.observations, conflicting_observations = excluded.conflicting_observations, history = excluded.history
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
        Text(command, rows.Select(r => ChipHistoryJson.Write(serializer, r.State.History)));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The stage as stored in <c>chip_state.stage</c> and searched by: snake_case (<c>in_stock</c>).</summary>
    public static string StageName(ChipStage stage) => JsonNamingPolicy.SnakeCaseLower.ConvertName(stage.ToString());

    private static void Text(NpgsqlCommand command, IEnumerable<string?> values) =>
        command.Parameters.Add(new NpgsqlParameter<string?[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = values.ToArray() });

    private static void Add<T>(NpgsqlCommand command, T[] values, NpgsqlDbType type) =>
        command.Parameters.Add(new NpgsqlParameter<T[]> { NpgsqlDbType = NpgsqlDbType.Array | type, TypedValue = values });
}
