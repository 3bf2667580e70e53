using System.Text;
using System.Text.Json;
using ChipRegistry.Domain.Detection.Flags;
using NodaTime;
using NodaTime.Text;

namespace ChipRegistry.Domain.Webhooks;

/// <summary>
/// The body a webhook carries for one (flag, kind): the flag as its rule held it when the notification was enqueued
/// (docs/webhooks.md, "Payload"). Written once, stored with the notification, and sent byte for byte on every attempt
/// and to every subscription, so a signature always covers exactly what was stored.
/// </summary>
public static class FlagNotificationBody
{
    public const int SchemaVersion = 1;

    /// <summary>The notification's id, stable across retries and redeliveries: a receiver drops repeats by it.</summary>
    public static string IdOf(string flagId, string kind) => $"{flagId}.{kind}";

    public static string Write(Flag flag, string kind)
    {
        ArgumentNullException.ThrowIfNull(flag);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("id", IdOf(flag.Id, kind));
            json.WriteString("type", $"flag.{kind}");
            json.WriteNumber("schemaVersion", SchemaVersion);
            json.WriteStartObject("flag");
            json.WriteString("id", flag.Id);
            json.WriteNumber("rule", flag.Rule);
            json.WriteString("severity", flag.Severity);
            json.WriteString("status", flag.Withdrawn ? FlagStatuses.Withdrawn : flag.ClosedAt is null ? FlagStatuses.Open : FlagStatuses.Closed);
            json.WriteStartObject("subject");
            json.WriteString("kind", flag.Subject.Kind);
            json.WriteString("id", flag.Subject.Id);
            json.WriteEndObject();
            if (flag.Country is { } country) json.WriteString("country", country);
            else json.WriteNull("country");
            json.WriteString("openedAt", Time(flag.OpenedAt));
            if (flag.ClosedAt is { } closed) json.WriteString("closedAt", Time(closed));
            else json.WriteNull("closedAt");
            json.WriteString("explanation", flag.Explanation);
            json.WriteNumber("chipCount", flag.Chips.Count);
            json.WriteEndObject();
            json.WriteStartObject("links");
            json.WriteString("flag", $"/api/v1/flags/{Uri.EscapeDataString(flag.Id)}");
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string Time(Instant instant) => InstantPattern.ExtendedIso.Format(instant);
}
