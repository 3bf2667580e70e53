using System.Text.Json;
using ChipRegistry.Domain.Facilities;
using ChipRegistry.EventStore;
using Npgsql;

namespace ChipRegistry.Domain.Projections.Lists;

/// <summary>
/// <c>facility_list</c>, on the daemon: one row per facility with the columns its list filters on (operator,
/// country) and the folded <see cref="Facility"/> as jsonb, so a page of <c>GET /api/v1/facilities</c> is one
/// keyset query instead of a fold of every facility's stream.
/// </summary>
public sealed class FacilityListProjection(EventSerializer serializer) : IAsyncProjection
{
    public const string TableName = "facility_list";

    public string Name => TableName;

    public int Version => 1;

    public IReadOnlyList<ProjectionTable> Tables { get; } =
    [
        new(TableName,
            "(facility_id text primary key, operator_id text not null, country text not null, state jsonb not null)",
            ["(operator_id, facility_id)", "(country, facility_id)"]),
    ];

    public async Task ApplyAsync(AsyncProjectionBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var states = await TouchedStreams.FoldAsync<Facility, IFacilityEvent>(batch, serializer, Facility.Evolve, cancellationToken);
        if (states.Count == 0) return;

        var rows = states.Values.ToList();
        await using var command = batch.CreateCommand(
            $"""
            insert into {batch.Table(TableName)} (facility_id, operator_id, country, state)
            select u.id, u.operator_id, u.country, u.state::jsonb
            from unnest($1::text[], $2::text[], $3::text[], $4::text[]) as u(id, operator_id, country, state)
            on conflict (facility_id) do update set operator_id = excluded.operator_id, country = excluded.country, state = excluded.state
            """);
        command.Parameters.Add(TouchedStreams.Texts(rows.Select(f => f.Id)));
        command.Parameters.Add(TouchedStreams.Texts(rows.Select(f => f.OperatorId)));
        command.Parameters.Add(TouchedStreams.Texts(rows.Select(f => f.Country)));
        command.Parameters.Add(TouchedStreams.Texts(rows.Select(f => JsonSerializer.Serialize(f, serializer.Options))));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
