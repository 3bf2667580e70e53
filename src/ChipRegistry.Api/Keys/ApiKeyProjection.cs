using ChipRegistry.EventStore;

namespace ChipRegistry.Api.Keys;

/// <summary>Keeps <c>api_keys</c> in step with the key events, inside the append's transaction.</summary>
public sealed class ApiKeyProjection : IFusedInlineProjection
{
    public string Name => "api_keys";

    /// <summary>Appends without key events leave it nothing to write, so they may go as one statement.</summary>
    public FusedWrites? Fuse(SchemaName schema, IReadOnlyList<StoredEvent> events, object? snapshot, int firstParameter) =>
        events.Any(e => e.Data is ApiKeyIssued or ApiKeyRevoked) ? null : FusedWrites.None;

    public async Task ApplyAsync(ProjectionSession session, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        foreach (var stored in events)
        {
            switch (stored.Data)
            {
                case ApiKeyIssued issued:
                    await using (var insert = session.CreateCommand(
                        $"insert into {session.Schema.Quoted}.api_keys (key_id, organisation_id, role, secret_hash, label, issued_by, issued_at) values ($1, $2, $3, $4, $5, $6, $7)"))
                    {
                        insert.Parameters.Add(new() { Value = issued.KeyId });
                        insert.Parameters.Add(new() { Value = issued.OrganisationId });
                        insert.Parameters.Add(new() { Value = issued.Role });
                        insert.Parameters.Add(new() { Value = issued.SecretHash });
                        insert.Parameters.Add(new() { Value = issued.Label });
                        insert.Parameters.Add(new() { Value = issued.IssuedBy });
                        insert.Parameters.Add(new() { Value = PostgresTime.Truncate(stored.OccurredAt) });
                        await insert.ExecuteNonQueryAsync(cancellationToken);
                    }
                    break;
                case ApiKeyRevoked revoked:
                    await using (var update = session.CreateCommand(
                        $"update {session.Schema.Quoted}.api_keys set revoked_at = $2, revoked_by = $3, revoke_reason = $4 where key_id = $1 and revoked_at is null"))
                    {
                        update.Parameters.Add(new() { Value = revoked.KeyId });
                        update.Parameters.Add(new() { Value = PostgresTime.Truncate(stored.OccurredAt) });
                        update.Parameters.Add(new() { Value = revoked.RevokedBy });
                        update.Parameters.Add(new() { Value = revoked.Reason });
                        await update.ExecuteNonQueryAsync(cancellationToken);
                    }
                    break;
            }
        }
    }
}
