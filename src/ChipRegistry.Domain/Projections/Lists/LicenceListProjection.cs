using System.Text.Json;
using ChipRegistry.Domain.Licences;
using ChipRegistry.EventStore;
using NodaTime;
using Npgsql;

namespace ChipRegistry.Domain.Projections.Lists;

/// <summary>
/// <c>licence_list</c>, on the daemon: one row per licence with what its list filters on (holder, consignee and end
/// user, destination, models, validity, the day a revocation takes effect) and the folded <see cref="Licence"/> as
/// jsonb. A licence's status depends on the day it is asked on, so the list derives it from the dates at query time.
/// </summary>
public sealed class LicenceListProjection(EventSerializer serializer) : IAsyncProjection
{
    public const string TableName = "licence_list";

    public string Name => TableName;

    public int Version => 1;

    public IReadOnlyList<ProjectionTable> Tables { get; } =
    [
        new(TableName,
            """
            (licence_id text primary key, holder_id text not null, consignee_id text not null, end_user_id text not null,
             destination text not null, model_ids text[] not null, valid_from date not null, valid_until date not null,
             revoked_from date, state jsonb not null)
            """,
            ["(holder_id, licence_id)", "(consignee_id, licence_id)", "(end_user_id, licence_id)", "(destination, licence_id)", "using gin (model_ids)"]),
    ];

    public async Task ApplyAsync(AsyncProjectionBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var states = await TouchedStreams.FoldAsync<Licence, ILicenceEvent>(batch, serializer, Licence.Evolve, cancellationToken);
        if (states.Count == 0) return;

        var rows = states.Values.ToList();
        await using var command = batch.CreateCommand(
            $"""
            insert into {batch.Table(TableName)} (licence_id, holder_id, consignee_id, end_user_id, destination, model_ids, valid_from, valid_until, revoked_from, state)
            select u.id, u.holder_id, u.consignee_id, u.end_user_id, u.destination,
                   array(select jsonb_array_elements_text(u.state::jsonb -> 'model_ids')), u.valid_from, u.valid_until, u.revoked_from, u.state::jsonb
            from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::date[], $7::date[], $8::date[], $9::text[])
                as u(id, holder_id, consignee_id, end_user_id, destination, valid_from, valid_until, revoked_from, state)
            on conflict (licence_id) do update set
                holder_id = excluded.holder_id, consignee_id = excluded.consignee_id, end_user_id = excluded.end_user_id,
                destination = excluded.destination, model_ids = excluded.model_ids, valid_from = excluded.valid_from,
                valid_until = excluded.valid_until, revoked_from = excluded.revoked_from, state = excluded.state
            """);
        command.Parameters.Add(TouchedStreams.Texts(rows.Select(l => l.Id)));
        command.Parameters.Add(TouchedStreams.Texts(rows.Select(l => l.HolderId)));
        command.Parameters.Add(TouchedStreams.Texts(rows.Select(l => l.ConsigneeId)));
        command.Parameters.Add(TouchedStreams.Texts(rows.Select(l => l.EndUserId)));
        command.Parameters.Add(TouchedStreams.Texts(rows.Select(l => l.Destination)));
        command.Parameters.Add(new NpgsqlParameter<LocalDate[]> { TypedValue = [.. rows.Select(l => l.ValidFrom)] });
        command.Parameters.Add(new NpgsqlParameter<LocalDate[]> { TypedValue = [.. rows.Select(l => l.ValidUntil)] });
        command.Parameters.Add(new NpgsqlParameter<LocalDate?[]> { TypedValue = [.. rows.Select(l => l.Revocation?.EffectiveFrom)] });
        command.Parameters.Add(TouchedStreams.Texts(rows.Select(l => JsonSerializer.Serialize(l, serializer.Options))));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
