using System.Text.Json;
using System.Text.Json.Serialization;
using ChipRegistry.Api.Problems;
using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Common;
using ChipRegistry.EventStore;
using Microsoft.Extensions.Options;
using NodaTime;

namespace ChipRegistry.Api.Chips;

/// <summary>
/// How chip write bodies are read: web naming, no numbers from strings, required constructor parameters and
/// nullable annotations respected (a missing or null required field is <c>wrong_type</c>), and times as ISO 8601
/// with an explicit offset (RFC 3339: <c>2024-06-01T12:00:00Z</c>, <c>2024-06-01T14:00:00+02:00</c>); a time without an
/// offset is <c>wrong_type</c>, never guessed as local.
/// </summary>
public static class ChipJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            RespectRequiredConstructorParameters = true,
            RespectNullableAnnotations = true,
            NumberHandling = JsonNumberHandling.Strict,
            AllowDuplicateProperties = false,
        };
        // Business times as RFC 3339 OffsetDateTime; the package's converters, the registry's patterns.
        options.ConfigureForRegistryTime();
        // Frozen once here, not on a first request racing another.
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}

/// <summary>
/// Checks of request fields that do not depend on any stored state (so they answer the same for every chip,
/// visible or not): ids, free text, countries and business times.
/// </summary>
public sealed class ChipRequestRules(IOptions<BusinessTimeOptions> businessTime, IClock clock)
{
    public const int MaxIdLength = 200;
    public const int MaxTextLength = 2000;

    public Instant Now => clock.GetCurrentInstant();

    /// <summary>The business time given (checked against the window), or now when the request gives none.</summary>
    public Instant BusinessTime(OffsetDateTime? given, string field = "occurredAt")
    {
        var now = Now;
        if (given is not { } value)
        {
            return now;
        }
        var instant = value.ToInstant();
        businessTime.Value.Validate(instant, now, field);
        return instant;
    }

    /// <summary>A required business time, checked against the window.</summary>
    public Instant RequiredBusinessTime(OffsetDateTime given, string field)
    {
        var instant = given.ToInstant();
        businessTime.Value.Validate(instant, Now, field);
        return instant;
    }

    /// <summary>An identifier of another record (organisation, facility, licence, lot, RMA): 1 to 200 printable characters.</summary>
    public static string Id(string value, string field)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > MaxIdLength || value.Any(char.IsControl) || value != value.Trim())
        {
            throw Invalid(field, $"{field} must be 1 to {MaxIdLength} printable characters without surrounding spaces.");
        }
        return value;
    }

    public static string? OptionalId(string? value, string field) => value is null ? null : Id(value, field);

    /// <summary>Free text (a reason, a method, circumstances): not blank, at most 2,000 characters.</summary>
    public static string Text(string value, string field)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > MaxTextLength)
        {
            throw Invalid(field, $"{field} must be 1 to {MaxTextLength} characters and not blank.");
        }
        return value;
    }

    public static string Country(string value, string field) =>
        Countries.IsAlpha2(value)
            ? value
            : throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "invalid_country", "A country is not an ISO 3166-1 alpha-2 code.", $"{field} must be two upper-case letters, e.g. DE.");

    private static ApiProblemException Invalid(string field, string detail) =>
        new(StatusCodes.Status422UnprocessableEntity, "invalid_field", $"The field {field} is not acceptable.", detail);
}

/// <summary><c>If-Match: "&lt;version&gt;"</c> on a chip write: the stream version the caller last read.</summary>
public static class IfMatch
{
    /// <summary>
    /// The version named by the request's If-Match (null: none, or <c>*</c>); anything but one strong entity tag
    /// holding a version number is 400 <c>invalid_if_match</c>.
    /// </summary>
    public static long? ExpectedVersion(HttpRequest request)
    {
        var values = request.Headers.IfMatch;
        if (values.Count == 0)
        {
            return null;
        }
        var value = values.Count == 1 ? values[0]?.Trim() : null;
        if (value == "*")
        {
            return null;
        }
        if (value is { Length: >= 3 and <= 20 } && value[0] == '"' && value[^1] == '"'
            && long.TryParse(value.AsSpan(1, value.Length - 2), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version)
            && version >= 1)
        {
            return version;
        }
        throw new ApiProblemException(StatusCodes.Status400BadRequest, "invalid_if_match", "The If-Match header is not a chip version.",
            "Send the ETag of the chip as read, e.g. If-Match: \"3\".");
    }

    /// <summary>The entity tag of a chip at a version.</summary>
    public static string ETagOf(long version) => $"\"{version.ToString(System.Globalization.CultureInfo.InvariantCulture)}\"";
}
