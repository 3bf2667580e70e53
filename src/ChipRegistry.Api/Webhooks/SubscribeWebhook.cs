using ChipRegistry.Api.Callers;
using ChipRegistry.Api.OpenApi;
using ChipRegistry.Api.Problems;
using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Webhooks;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace ChipRegistry.Api.Webhooks;

/// <summary><see cref="Rules"/> (1-17) and <see cref="Severities"/> narrow what is sent; left out, every rule and severity.</summary>
public sealed record SubscribeWebhookRequest(string Url, IReadOnlyList<string> Kinds, IReadOnlyList<int>? Rules = null, IReadOnlyList<string>? Severities = null);

/// <summary>An agency subscribes an endpoint; the answer carries the signing secret, once.</summary>
public static class SubscribeWebhookEndpoint
{
    public static RouteGroupBuilder MapSubscribeWebhook(this RouteGroupBuilder group)
    {
        group.MapPost("", async Task<Created<CreatedWebhookResponse>> (HttpContext context, WebhookSubscriptions subscriptions, IOptions<WebhookOptions> options,
            WebhookHostResolver resolver, NodaTime.IClock clock, CancellationToken cancellationToken) =>
        {
            var body = await context.Request.ReadAsync<SubscribeWebhookRequest>(cancellationToken);
            var kinds = Kinds(body.Kinds);
            var rules = Rules(body.Rules);
            var severities = Severities(body.Severities);
            var url = await WebhookUrls.CheckAsync(body.Url, options.Value, resolver, cancellationToken);
            var subscription = new WebhookSubscription(Guid.NewGuid(), context.User.Actor().OrganisationId, url.AbsoluteUri, kinds, rules, severities,
                clock.GetCurrentInstant());
            var secret = WebhookSignature.NewSecret();
            await subscriptions.CreateAsync(subscription, secret, cancellationToken);
            return TypedResults.Created($"/api/v1/webhooks/{subscription.Id}", new CreatedWebhookResponse(subscription.Id, subscription.Url, kinds, rules, severities,
                subscription.CreatedAt, secret));
        })
        .Accepts<SubscribeWebhookRequest>("application/json").WithName("SubscribeWebhook")
        .WithSummary("Subscribe an endpoint of the calling agency to flag notifications (opened, closed, withdrawn, escalated), optionally only for some rules and severities. The answer shows the signing secret once. The URL is https to a public address (docs/webhooks.md).")
        .WithRequestExample(new SubscribeWebhookRequest("https://192.0.2.10/registry-hooks", [WebhookEventKinds.Opened, WebhookEventKinds.Escalated], [1, 16], [FlagSeverities.High]))
        .WithResponseExample(StatusCodes.Status201Created, new CreatedWebhookResponse(WebhookResponse.Example.Id, WebhookResponse.Example.Url, WebhookResponse.Example.Kinds,
            WebhookResponse.Example.Rules, WebhookResponse.Example.Severities, WebhookResponse.Example.CreatedAt, "whsec_<64 hex digits, shown once>"))
        .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status413PayloadTooLarge,
            StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status422UnprocessableEntity, StatusCodes.Status429TooManyRequests);
        return group;
    }

    private static List<string> Kinds(IReadOnlyList<string> kinds)
    {
        if (kinds is null || kinds.Count == 0 || kinds.Any(k => k is null || !WebhookEventKinds.All.Contains(k, StringComparer.Ordinal)))
        {
            throw DomainProblems.ToProblem(new DomainError(WebhookErrors.InvalidEventKind, $"kinds is a non-empty list of: {string.Join(", ", WebhookEventKinds.All)}."));
        }
        return [.. kinds.Distinct(StringComparer.Ordinal)];
    }

    private static List<int>? Rules(IReadOnlyList<int>? rules)
    {
        if (rules is null) return null;
        if (rules.Count == 0 || rules.Any(r => r is < 1 or > 17))
        {
            throw DomainProblems.ToProblem(new DomainError(WebhookErrors.InvalidWebhookFilter, "rules is left out (every rule) or a non-empty list of rule numbers 1 to 17."));
        }
        return [.. rules.Distinct().Order()];
    }

    private static List<string>? Severities(IReadOnlyList<string>? severities)
    {
        if (severities is null) return null;
        if (severities.Count == 0 || severities.Any(s => s is null || !FlagSeverities.All.Contains(s, StringComparer.Ordinal)))
        {
            throw DomainProblems.ToProblem(new DomainError(WebhookErrors.InvalidWebhookFilter,
                $"severities is left out (every severity) or a non-empty list of: {string.Join(", ", FlagSeverities.All)}."));
        }
        return [.. severities.Distinct(StringComparer.Ordinal)];
    }
}
