using System.Text.Json;
using NodaTime;
using NodaTime.Serialization.SystemTextJson;
using NodaTime.Text;

namespace ChipRegistry.EventStore;

/// <summary>
/// The registry's one time format, and the NodaTime JSON settings (NodaTime.Serialization.SystemTextJson) that
/// every event, request and response goes through.
/// <list type="bullet">
/// <item>Out (responses and new events): RFC 3339 in UTC with <c>Z</c>, fractional seconds only as far as they are
/// not zero (NodaTime's <see cref="InstantPattern.ExtendedIso"/>: <c>2026-11-20T09:00:00Z</c>,
/// <c>2026-11-20T09:00:00.25Z</c>). The signed bytes of an attestation use the same rule.</item>
/// <item>In from storage: every form ever written, that is also <c>+00:00</c> in place of <c>Z</c>, and any number
/// of fraction digits up to nine (6 and 7 digits are both in stored history). Stored bytes are never rewritten.</item>
/// <item>In from requests: an <see cref="OffsetDateTime"/> in RFC 3339 (<c>Z</c> or any <c>+HH:mm</c> offset); a time
/// without an offset is refused.</item>
/// </list>
/// </summary>
public static class RegistryTime
{
    /// <summary>The one format out.</summary>
    public static InstantPattern Out { get; } = InstantPattern.ExtendedIso;

    /// <summary>UTC written as <c>+00:00</c> (a DateTimeOffset's default form): read, never written.</summary>
    private static readonly InstantPattern ZeroOffset = InstantPattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm':'ss;FFFFFFFFF'+00:00'");

    /// <summary>Reads <see cref="Out"/> and <c>+00:00</c>; formats only as <see cref="Out"/>.</summary>
    public static IPattern<Instant> Stored { get; } = new CompositePatternBuilder<Instant>
    {
        { Out, _ => true },
        { ZeroOffset, _ => false },
    }.Build();

    /// <summary>A business time in a request body: RFC 3339 with <c>Z</c> or an offset.</summary>
    public static OffsetDateTimePattern Request { get; } = OffsetDateTimePattern.Rfc3339;

    public static string Format(Instant instant) => Out.Format(instant);

    public static string? Format(Instant? instant) => instant is { } value ? Out.Format(value) : null;

    /// <summary>The package's converters, with the registry's Instant and OffsetDateTime patterns.</summary>
    public static NodaJsonSettings JsonSettings() => new()
    {
        InstantConverter = new NodaPatternConverter<Instant>(Stored),
        OffsetDateTimeConverter = new NodaPatternConverter<OffsetDateTime>(Request),
    };

    public static JsonSerializerOptions ConfigureForRegistryTime(this JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.ConfigureForNodaTime(JsonSettings());
    }
}
