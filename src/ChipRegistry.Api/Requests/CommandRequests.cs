using System.Text.Json;
using ChipRegistry.Api.Idempotency;
using ChipRegistry.Api.Problems;
using ChipRegistry.Api.Keys;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.EventStore;
using Microsoft.Extensions.Options;
using NodaTime;

namespace ChipRegistry.Api.Requests;

/// <summary>
/// What every command endpoint does the same way: read the body strictly, fix the business time (the caller's,
/// checked against the allowed window, or now) and carry the caller's Idempotency-Key into the append, so the
/// stored response and the events commit together.
/// </summary>
public static class CommandRequests
{
    /// <summary>
    /// Web defaults, strict: a required constructor parameter left out or a non-nullable field sent as null is a 400; business
    /// times are RFC 3339 with <c>Z</c> or an offset (a time without one is a 400).
    /// </summary>
    public static JsonSerializerOptions Json { get; } = Strict();

    /// <summary>
    /// A fresh strict reader's options: web naming, required constructor parameters and nullable annotations
    /// respected (a missing required field is <c>missing_field</c>, a null one <c>wrong_type</c>), no numbers from strings, no duplicate
    /// properties, and times as RFC 3339 with an explicit offset (<c>2024-06-01T12:00:00Z</c>,
    /// <c>2024-06-01T14:00:00+02:00</c>): a time without one is <c>wrong_type</c>, never guessed as local.
    /// </summary>
    public static JsonSerializerOptions Strict()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            RespectRequiredConstructorParameters = true,
            RespectNullableAnnotations = true,
            NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict,
            AllowDuplicateProperties = false,
        }.ConfigureForRegistryTime();
        // Frozen once here, not on a first request racing another.
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    public static Task<T> ReadAsync<T>(this HttpRequest request, CancellationToken cancellationToken) =>
        RequestJson.ReadAsync<T>(request, Json, cancellationToken);

    /// <summary>The business time of a command: the one the request states (validated), or the registry's now.</summary>
    public static Instant BusinessTime(this HttpContext context, OffsetDateTime? stated, string field = "occurredAt")
    {
        var now = context.RequestServices.GetRequiredService<IClock>().GetCurrentInstant();
        if (stated is not { } value)
        {
            return now;
        }
        var instant = value.ToInstant();
        context.RequestServices.GetRequiredService<IOptions<BusinessTimeOptions>>().Value.Validate(instant, now, field);
        return instant;
    }

    /// <summary>
    /// A calendar date (founding, effective from, licence validity). These reach back before the registry's epoch
    /// and forward past today, so the business-time window does not apply; only absurd years are refused.
    /// </summary>
    public static LocalDate CalendarDate(DateOnly stated, string field)
    {
        if (stated.Year is < 1800 or > 2200)
        {
            throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "date_out_of_range", "A date is out of range.", $"{field} must lie between the years 1800 and 2200.");
        }
        return LocalDate.FromDateOnly(stated);
    }

    /// <summary>
    /// A time that bounds a validity (a key's validFrom and validUntil, a signing requirement's start): like a calendar
    /// date it may lie in the future, so only absurd years are refused (an instant past 9999 reached PostgreSQL and
    /// answered 500; year 1 or 9999 is no validity anyone means).
    /// </summary>
    public static Instant ValidityTime(OffsetDateTime stated, string field)
    {
        if (stated.Year is < 1800 or > 2200 || stated.ToInstant().InUtc().Year is < 1800 or > 2200)
        {
            throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "date_out_of_range", "A date is out of range.", $"{field} must lie between the years 1800 and 2200.");
        }
        return stated.ToInstant();
    }

    /// <summary>The append's metadata: the Idempotency-Key and request hash when the caller sent one.</summary>
    public static CommandMetadata CommandMetadata(this HttpContext context) =>
        context.Features.Get<IdempotencyRequest>() is { } idempotency
            ? new CommandMetadata { IdempotencyKey = idempotency.Key, RequestHash = idempotency.RequestHash, ResponseCommit = idempotency.ResponseCommit }
            : Domain.Persistence.CommandMetadata.None;

    /// <summary>
    /// The metadata of an append the API makes to a stream of its own (attestation keys, signing requirements): the
    /// caller's organisation, and the Idempotency-Key and request hash when the caller sent one.
    /// </summary>
    public static AppendMetadata AppendMetadata(this HttpContext context) =>
        new(context.User.OrganisationId())
        {
            IdempotencyKey = context.Features.Get<IdempotencyRequest>()?.Key,
            RequestHash = context.Features.Get<IdempotencyRequest>()?.RequestHash,
            ResponseCommit = context.Features.Get<IdempotencyRequest>()?.ResponseCommit,
        };
}
