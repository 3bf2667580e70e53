using ChipRegistry.Api.Callers;
using ChipRegistry.Api.OpenApi;
using ChipRegistry.Api.Problems;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Webhooks;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChipRegistry.Api.Webhooks;

/// <summary>The calling agency's subscriptions: list them (never their secrets), end one.</summary>
public static class WebhookSubscriptionEndpoints
{
    public static RouteGroupBuilder MapWebhookSubscriptions(this RouteGroupBuilder group)
    {
        group.MapGet("", async Task<Ok<WebhookListResponse>> (HttpContext context, WebhookSubscriptions subscriptions, CancellationToken cancellationToken) =>
        {
            var list = await subscriptions.ListAsync(context.User.Actor().OrganisationId, cancellationToken);
            return TypedResults.Ok(new WebhookListResponse([.. list.Select(WebhookResponse.From)]));
        })
        .WithName("ListWebhooks")
        .WithSummary("The calling agency's webhook subscriptions, oldest first, without their secrets.")
        .WithResponseExample(StatusCodes.Status200OK, new WebhookListResponse([WebhookResponse.Example]))
        .WithProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status429TooManyRequests);

        group.MapDelete("/{webhookId}", async Task<Ok<EndedWebhookResponse>> (string webhookId, HttpContext context, WebhookSubscriptions subscriptions, NodaTime.IClock clock,
            CancellationToken cancellationToken) =>
        {
            var id = WebhookEndpoints.IdOf(webhookId, WebhookErrors.WebhookNotFound, "webhook");
            var endedAt = clock.GetCurrentInstant();
            return await subscriptions.DeleteAsync(context.User.Actor().OrganisationId, id, endedAt, cancellationToken)
                ? TypedResults.Ok(new EndedWebhookResponse(id, endedAt))
                : throw DomainProblems.ToProblem(new DomainError(WebhookErrors.WebhookNotFound, $"no webhook {webhookId}"));
        })
        .WithName("DeleteWebhook")
        .WithSummary("End one of the calling agency's subscriptions: nothing more is enqueued or sent for it, its secret is erased, and its deliveries are no longer listed.")
        .WithResponseExample(StatusCodes.Status200OK, new EndedWebhookResponse(WebhookResponse.Example.Id, NodaTime.Instant.FromUtc(2026, 12, 7, 9, 0)))
        .WithProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status429TooManyRequests);
        return group;
    }
}
