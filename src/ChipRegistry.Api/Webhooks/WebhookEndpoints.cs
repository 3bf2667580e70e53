using ChipRegistry.Api.Hosting;
using ChipRegistry.Domain.Organisations;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ChipRegistry.Api.Webhooks;

/// <summary>
/// Webhooks (docs/webhooks.md): an agency subscribes its own endpoint to flag notifications, and reads and manages only
/// its own subscriptions; no other role subscribes (flags are for agencies).
/// </summary>
public static class WebhookEndpoints
{
    public const string SubscriberPolicy = "webhook_subscriber";

    public static WebApplicationBuilder AddWebhooks(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<WebhookOptions>().Bind(builder.Configuration.GetSection(WebhookOptions.Section));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton(WebhookHostResolver.System);
        builder.Services.AddSingleton<WebhookSubscriptions>();
        builder.Services.AddSingleton<WebhookDispatcher>();
        builder.Services.AddHostedService(services => services.GetRequiredService<WebhookDispatcher>());
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(SubscriberPolicy, policy => policy.RequireRole(Callers.Callers.RoleOf(OrganisationKind.Agency)));
        return builder;
    }

    public static IEndpointRouteBuilder MapWebhookEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/v1/webhooks").WithTags("Webhooks").RequireAuthorization(SubscriberPolicy);
        group.MapSubscribeWebhook();
        group.MapWebhookSubscriptions();
        group.MapWebhookDeliveries();
        return endpoints;
    }

    /// <summary>The subscription id of a route, or the 404 of an unknown one: a malformed id names nothing.</summary>
    public static Guid IdOf(string text, string code, string what) =>
        Guid.TryParseExact(text, "D", out var id)
            ? id
            : throw Problems.DomainProblems.ToProblem(new Domain.Common.DomainError(code, $"no {what} {text}"));
}
