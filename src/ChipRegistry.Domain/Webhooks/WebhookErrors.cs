using ChipRegistry.Domain.Common;

namespace ChipRegistry.Domain.Webhooks;

/// <summary>The stable error codes of webhook subscriptions and deliveries, each with its kind.</summary>
public static class WebhookErrors
{
    public const string WebhookNotFound = "webhook_not_found";
    public const string DeliveryNotFound = "delivery_not_found";
    public const string DeliveryNotDead = "delivery_not_dead";
    public const string InvalidWebhookUrl = "invalid_webhook_url";
    public const string WebhookUrlRefused = "webhook_url_refused";
    public const string InvalidEventKind = "invalid_event_kind";
    public const string InvalidWebhookFilter = "invalid_webhook_filter";

    public static IReadOnlyDictionary<string, ErrorKind> ErrorKinds { get; } = new Dictionary<string, ErrorKind>(StringComparer.Ordinal)
    {
        [WebhookNotFound] = ErrorKind.NotFound,
        [DeliveryNotFound] = ErrorKind.NotFound,
        [DeliveryNotDead] = ErrorKind.Conflict,
        [InvalidWebhookUrl] = ErrorKind.Invalid,
        [WebhookUrlRefused] = ErrorKind.Invalid,
        [InvalidEventKind] = ErrorKind.Invalid,
        [InvalidWebhookFilter] = ErrorKind.Invalid,
    };
}
