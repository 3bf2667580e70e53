using ChipRegistry.EventStore;

namespace ChipRegistry.Api.Attestations;

/// <summary>Keeps <c>attestation_keys</c> and <c>signing_requirements</c> in step with their events, inside the append's transaction.</summary>
public sealed class AttestationProjection : IFusedInlineProjection
{
    public string Name => "attestation_keys";

    /// <summary>Appends without key or signing events leave it nothing to write, so they may go as one statement.</summary>
    public FusedWrites? Fuse(SchemaName schema, IReadOnlyList<StoredEvent> events, object? snapshot, int firstParameter) =>
        events.Any(e => e.Data is AttestationKeyRegistered or AttestationKeyRetired or SigningRequired) ? null : FusedWrites.None;

    public async Task ApplyAsync(ProjectionSession session, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        foreach (var stored in events)
        {
            switch (stored.Data)
            {
                case AttestationKeyRegistered registered:
                    await using (var insert = session.CreateCommand(
                        $"insert into {session.Schema.Quoted}.attestation_keys (organisation_id, key_id, public_key_pem, valid_from, valid_until, registered_by, registered_at) values ($1, $2, $3, $4, $5, $6, $7)"))
                    {
                        insert.Parameters.Add(new() { Value = registered.OrganisationId });
                        insert.Parameters.Add(new() { Value = registered.KeyId });
                        insert.Parameters.Add(new() { Value = registered.PublicKeyPem });
                        insert.Parameters.Add(new() { Value = PostgresTime.Truncate(registered.ValidFrom) });
                        insert.Parameters.Add(new() { Value = registered.ValidUntil is { } until ? PostgresTime.Truncate(until) : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
                        insert.Parameters.Add(new() { Value = registered.RegisteredBy });
                        insert.Parameters.Add(new() { Value = PostgresTime.Truncate(stored.OccurredAt) });
                        await insert.ExecuteNonQueryAsync(cancellationToken);
                    }
                    break;
                case AttestationKeyRetired retired:
                    await using (var update = session.CreateCommand(
                        $"update {session.Schema.Quoted}.attestation_keys set valid_until = $3 where organisation_id = $1 and key_id = $2"))
                    {
                        update.Parameters.Add(new() { Value = retired.OrganisationId });
                        update.Parameters.Add(new() { Value = retired.KeyId });
                        update.Parameters.Add(new() { Value = PostgresTime.Truncate(retired.ValidUntil) });
                        await update.ExecuteNonQueryAsync(cancellationToken);
                    }
                    break;
                case SigningRequired required:
                    await using (var upsert = session.CreateCommand(
                        $"insert into {session.Schema.Quoted}.signing_requirements (organisation_id, required_from, required_by) values ($1, $2, $3) on conflict (organisation_id) do update set required_from = excluded.required_from, required_by = excluded.required_by"))
                    {
                        upsert.Parameters.Add(new() { Value = required.OrganisationId });
                        upsert.Parameters.Add(new() { Value = PostgresTime.Truncate(required.From) });
                        upsert.Parameters.Add(new() { Value = required.RequiredBy });
                        await upsert.ExecuteNonQueryAsync(cancellationToken);
                    }
                    break;
            }
        }
    }
}
