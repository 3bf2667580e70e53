using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Detection.Reviews;
using ChipRegistry.Domain.Webhooks;
using ChipRegistry.EventStore;
using Npgsql;

namespace ChipRegistry.Api.Webhooks;

/// <summary>
/// An escalation is a review event, not a rule's write, so it reaches the outbox here: inside the review's append
/// transaction, with the flag as its rule's live table holds it. A flag is notified as escalated once; a later
/// escalation of the same flag finds the pair notified and enqueues nothing. Every other append goes as one statement.
/// </summary>
public sealed class WebhookEscalations : IFusedInlineProjection
{
    public string Name => "webhook_escalations";

    public FusedWrites? Fuse(SchemaName schema, IReadOnlyList<StoredEvent> events, object? snapshot, int firstParameter) =>
        events.Any(e => e.Data is FlagReviewed { Action: FlagReviewActions.Escalate }) ? null : FusedWrites.None;

    public async Task ApplyAsync(ProjectionSession session, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(events);
        var escalated = new List<(Flag, string)>();
        foreach (var review in events.Select(e => e.Data).OfType<FlagReviewed>().Where(r => r.Action == FlagReviewActions.Escalate))
        {
            if (FlagIds.RuleOf(review.FlagId) is not { } rule || !FlagReads.TablesByRule.TryGetValue(rule, out var table)) continue;
            await using var read = session.CreateCommand($"select {FlagTable.Columns} from {session.Schema.Quoted}.{table} where flag_id = $1");
            read.Parameters.Add(new NpgsqlParameter<string> { TypedValue = review.FlagId });
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken)) escalated.Add((FlagTable.Read(reader, 0), WebhookEventKinds.Escalated));
        }
        await WebhookOutbox.EnqueueAsync(session.CreateCommand, session.Schema.Quoted, escalated, cancellationToken);
    }
}
