using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Projections;
using Npgsql;

namespace ChipRegistry.Domain.Webhooks;

/// <summary>
/// Where flags meet webhooks: called inside the transaction that writes a flag (a rule's batch, through
/// <see cref="FlagTable.UpsertAsync"/>) or records an escalation. One statement records each (flag, kind) not notified
/// before in <c>webhook_notifications</c> (<c>on conflict do nothing returning</c>) and, for exactly the pairs that
/// insert returned, writes one delivery per live subscription that wants it. A pair already notified, by the live
/// runner before a crash or before a rebuild, returns nothing and so enqueues nothing.
/// </summary>
public static class WebhookOutbox
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string Dead = "dead";

    /// <summary>Enqueues the notifications of <paramref name="notifications"/> that are new; answers how many deliveries it wrote.</summary>
    public static async Task<int> EnqueueAsync(
        Func<string, NpgsqlCommand> createCommand, string quotedSchema, IReadOnlyList<(Flag Flag, string Kind)> notifications, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(createCommand);
        ArgumentNullException.ThrowIfNull(notifications);
        if (notifications.Count == 0) return 0;
        await using var command = createCommand(
            $"""
            with candidate as (
                select distinct on (flag_id, kind) flag_id, kind, rule, severity, body
                from unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[]) as t(flag_id, kind, rule, severity, body)
                order by flag_id, kind),
            fresh as (
                insert into {quotedSchema}.webhook_notifications (flag_id, kind, body)
                select flag_id, kind, body from candidate
                on conflict (flag_id, kind) do nothing
                returning flag_id, kind)
            insert into {quotedSchema}.webhook_deliveries (id, subscription_id, flag_id, kind, state)
            select gen_random_uuid(), s.id, c.flag_id, c.kind, '{Pending}'
            from fresh f
            join candidate c on c.flag_id = f.flag_id and c.kind = f.kind
            join {quotedSchema}.webhook_subscriptions s on s.deleted_at is null and c.kind = any(s.kinds)
                and (s.rules is null or c.rule = any(s.rules)) and (s.severities is null or c.severity = any(s.severities))
            order by c.flag_id, c.kind, s.id
            """);
        var p = command.Parameters;
        p.Add(TouchedStreams.Texts(notifications.Select(n => n.Flag.Id)));
        p.Add(TouchedStreams.Texts(notifications.Select(n => n.Kind)));
        p.Add(new NpgsqlParameter<int[]> { TypedValue = [.. notifications.Select(n => n.Flag.Rule)] });
        p.Add(TouchedStreams.Texts(notifications.Select(n => n.Flag.Severity)));
        p.Add(TouchedStreams.Texts(notifications.Select(n => FlagNotificationBody.Write(n.Flag, n.Kind))));
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
