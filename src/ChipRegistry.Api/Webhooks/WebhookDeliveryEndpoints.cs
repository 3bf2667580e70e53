using System.Globalization;
using ChipRegistry.Api.Callers;
using ChipRegistry.Api.OpenApi;
using ChipRegistry.Api.Problems;
using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Webhooks;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChipRegistry.Api.Webhooks;

/// <summary>A subscription's deliveries with every attempt, and the redelivery of a dead one.</summary>
public static class WebhookDeliveryEndpoints
{
    private const int DefaultLimit = 50;
    private const int MaxLimit = 200;
    private static readonly string[] States = [WebhookOutbox.Pending, WebhookOutbox.Delivered, WebhookOutbox.Dead];

    public static RouteGroupBuilder MapWebhookDeliveries(this RouteGroupBuilder group)
    {
        group.MapGet("/{webhookId}/deliveries", async Task<Ok<DeliveryPageResponse>> (string webhookId, string? state, string? cursor, int? limit, HttpContext context,
            WebhookSubscriptions subscriptions, CancellationToken cancellationToken) =>
        {
            var id = WebhookEndpoints.IdOf(webhookId, WebhookErrors.WebhookNotFound, "webhook");
            if (state is not null && !States.Contains(state, StringComparer.Ordinal))
            {
                throw new ApiProblemException(StatusCodes.Status400BadRequest, "invalid_filter", "A list filter is malformed.", $"state is one of: {string.Join(", ", States)}.");
            }
            long? before = null;
            if (cursor is not null)
            {
                before = ListCursors.Decode(cursor) is { } decoded && long.TryParse(decoded, NumberStyles.None, CultureInfo.InvariantCulture, out var seq)
                    ? seq
                    : throw Paging.InvalidCursor();
            }
            var size = Paging.Size(limit, DefaultLimit, MaxLimit);
            var deliveries = await subscriptions.DeliveriesAsync(context.User.Actor().OrganisationId, id, state, before, size + 1, cancellationToken)
                ?? throw DomainProblems.ToProblem(new DomainError(WebhookErrors.WebhookNotFound, $"no webhook {webhookId}"));
            var page = deliveries.Take(size).ToList();
            var next = deliveries.Count > size ? ListCursors.Encode(page[^1].Seq.ToString(CultureInfo.InvariantCulture)) : null;
            return TypedResults.Ok(new DeliveryPageResponse([.. page.Select(DeliveryResponse.From)], next));
        })
        .WithName("ListWebhookDeliveries")
        .WithSummary("The subscription's deliveries, newest first, each with its state (pending, delivered, dead) and every attempt (time, status code or error, duration); filter by state, page with cursor.")
        .WithResponseExample(StatusCodes.Status200OK, new DeliveryPageResponse([DeliveryResponse.Example], null))
        .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound,
            StatusCodes.Status429TooManyRequests);

        group.MapPost("/{webhookId}/deliveries/{deliveryId}/redeliver", async Task<Accepted<RedeliveryResponse>> (string webhookId, string deliveryId, HttpContext context,
            WebhookSubscriptions subscriptions, CancellationToken cancellationToken) =>
        {
            var id = WebhookEndpoints.IdOf(webhookId, WebhookErrors.WebhookNotFound, "webhook");
            var delivery = WebhookEndpoints.IdOf(deliveryId, WebhookErrors.DeliveryNotFound, "delivery");
            return await subscriptions.RedeliverAsync(context.User.Actor().OrganisationId, id, delivery, cancellationToken) switch
            {
                RedeliverOutcome.Queued => TypedResults.Accepted($"/api/v1/webhooks/{id}/deliveries", new RedeliveryResponse(delivery, WebhookOutbox.Pending)),
                RedeliverOutcome.NotDead => throw DomainProblems.ToProblem(new DomainError(WebhookErrors.DeliveryNotDead,
                    $"delivery {deliveryId} is not dead; only a dead delivery is redelivered (a pending one is still being retried)")),
                _ => throw DomainProblems.ToProblem(new DomainError(WebhookErrors.DeliveryNotFound, $"no delivery {deliveryId} of webhook {webhookId}")),
            };
        })
        .WithName("RedeliverWebhookDelivery")
        .WithSummary("Send a dead delivery again: it is pending at once, with a fresh day of retries; its earlier attempts stay in the log.")
        .WithResponseExample(StatusCodes.Status202Accepted, new RedeliveryResponse(DeliveryResponse.Example.Id, WebhookOutbox.Pending))
        .WithProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict,
            StatusCodes.Status429TooManyRequests);
        return group;
    }
}
