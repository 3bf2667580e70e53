using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Webhooks;
using NodaTime;

namespace ChipRegistry.Api.Webhooks;

/// <summary><see cref="Rules"/> and <see cref="Severities"/>: null for all.</summary>
public sealed record WebhookResponse(Guid Id, string Url, IReadOnlyList<string> Kinds, IReadOnlyList<int>? Rules, IReadOnlyList<string>? Severities, Instant CreatedAt)
{
    public static WebhookResponse From(WebhookSubscription s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return new(s.Id, s.Url, s.Kinds, s.Rules, s.Severities, s.CreatedAt);
    }

    public static WebhookResponse Example { get; } = new(Guid.Parse("0b6f3c9e-5d1a-4f7e-9a2b-3c4d5e6f7a8b"), "https://cases.bis.example/registry-hooks",
        [WebhookEventKinds.Opened, WebhookEventKinds.Escalated], [1, 16], [FlagSeverities.High, FlagSeverities.Critical], Instant.FromUtc(2026, 12, 6, 9, 0));
}

/// <summary>The subscription and its signing secret: the only answer that ever shows the secret.</summary>
public sealed record CreatedWebhookResponse(Guid Id, string Url, IReadOnlyList<string> Kinds, IReadOnlyList<int>? Rules, IReadOnlyList<string>? Severities,
    Instant CreatedAt, string Secret);

public sealed record WebhookListResponse(IReadOnlyList<WebhookResponse> Webhooks);

public sealed record DeliveryAttemptResponse(int Attempt, Instant At, int? StatusCode, string? Error, int DurationMs);

/// <summary>
/// One notification for one subscription. <see cref="State"/>: pending (next attempt at <see cref="NextAttemptAt"/>,
/// null: at once), delivered, or dead (redeliver it). <see cref="NotificationId"/> is the body's <c>id</c>.
/// </summary>
public sealed record DeliveryResponse(Guid Id, string NotificationId, string FlagId, string Kind, string State, int Attempts, Instant CreatedAt,
    Instant? NextAttemptAt, Instant? DeliveredAt, string? LastError, IReadOnlyList<DeliveryAttemptResponse> AttemptLog)
{
    public static DeliveryResponse From(Delivery d)
    {
        ArgumentNullException.ThrowIfNull(d);
        return new(d.Id, FlagNotificationBody.IdOf(d.FlagId, d.Kind), d.FlagId, d.Kind, d.State, d.Attempts, d.CreatedAt, d.NextAttemptAt, d.DeliveredAt,
            d.LastError, [.. d.AttemptLog.Select(a => new DeliveryAttemptResponse(a.Attempt, a.At, a.StatusCode, a.Error, a.DurationMs))]);
    }

    public static DeliveryResponse Example { get; } = new(Guid.Parse("7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f"), "r16-5e0c1d2f3a4b5c6d7e8f.opened",
        "r16-5e0c1d2f3a4b5c6d7e8f", WebhookEventKinds.Opened, WebhookOutbox.Delivered, 2, Instant.FromUtc(2026, 12, 6, 9, 0), null,
        Instant.FromUtc(2026, 12, 6, 9, 0, 2), null,
        [new DeliveryAttemptResponse(1, Instant.FromUtc(2026, 12, 6, 9, 0, 1), 503, "answered 503", 41),
         new DeliveryAttemptResponse(2, Instant.FromUtc(2026, 12, 6, 9, 0, 2), 200, null, 38)]);
}

/// <summary>Deliveries newest first; pass <see cref="Next"/> as <c>cursor</c> for older ones (null: no more).</summary>
public sealed record DeliveryPageResponse(IReadOnlyList<DeliveryResponse> Deliveries, string? Next);

/// <summary>The subscription ended, and when.</summary>
public sealed record EndedWebhookResponse(Guid Id, Instant EndedAt);

/// <summary>The delivery is pending again, due at once.</summary>
public sealed record RedeliveryResponse(Guid DeliveryId, string State);
