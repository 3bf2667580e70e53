using System.Text.Json;
using ChipRegistry.Api.Keys;
using ChipRegistry.Api.OpenApi;
using ChipRegistry.Api.Problems;
using ChipRegistry.EventStore;

namespace ChipRegistry.Api.Feed;

public sealed record FeedEvent(
    long SeqId, Guid EventId, string StreamKey, long Version, string Type, JsonElement Data,
    NodaTime.Instant OccurredAt, NodaTime.Instant RecordedAt, string ActingOrganisation, string? CorrelationId, string? CausationId);

/// <summary>A page of the feed; continue with <c>?after=</c><see cref="Next"/>.</summary>
public sealed record FeedResponse(IReadOnlyList<FeedEvent> Events, long HighWaterMark, long Next);

/// <summary>
/// The global feed for consumers (agencies, the registry's own tools): every event in sequence order,
/// never past the high-water mark, so a consumer that keeps its position never misses a late commit.
/// </summary>
public static class FeedEndpoints
{
    public const string ReaderPolicy = "feed_reader";
    private const int MaxLimit = 1_000;

    public static IEndpointRouteBuilder MapFeedEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/v1/feed", async (long? after, int? limit, PostgresEventStore store, EventSerializerAccess serializer, CancellationToken cancellationToken) =>
        {
            var from = after ?? 0;
            var size = limit ?? 100;
            if (from < 0 || size is < 1 or > MaxLimit)
            {
                throw new ApiProblemException(StatusCodes.Status400BadRequest, "invalid_page", "The page is out of range.", $"after >= 0 and 1 <= limit <= {MaxLimit}.");
            }
            var page = await store.ReadFeedAsync(from, size, cancellationToken);
            var events = page.Events.Select(e => new FeedEvent(
                e.SeqId, e.EventId, e.StreamKey, e.Version, e.TypeName, serializer.ToJson(e.Data),
                e.OccurredAt, e.RecordedAt, e.ActingOrganisation, e.CorrelationId, e.CausationId)).ToList();
            return TypedResults.Ok(new FeedResponse(events, page.HighWaterMark, page.NextAfterSeqId(from, size)));
        })
        .WithTags("Feed").WithName("ReadFeed")
        .RequireAuthorization(ReaderPolicy)
        .WithSummary("Events after a sequence number, in order, never past the high-water mark.")
        .WithResponseExample(StatusCodes.Status200OK, new
        {
            events = new[]
            {
                new
                {
                    seqId = 1041, eventId = "0193a5e2-7c1d-7b3e-9f10-2c4d5e6f7a8b", streamKey = "nvidia:1652223004561", version = 3,
                    type = "chip_shipped", data = new { chipId = "nvidia:1652223004561", destinationCountry = "MY" },
                    occurredAt = "2026-11-20T09:00:00Z", recordedAt = "2026-11-20T09:00:01.123456Z", actingOrganisation = "dist-1",
                    correlationId = (string?)null, causationId = (string?)null,
                },
            },
            highWaterMark = 1041,
            next = 1041,
        })
        .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status429TooManyRequests);
        return endpoints;
    }

    public static WebApplicationBuilder AddFeed(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<EventSerializerAccess>();
        builder.Services.AddAuthorizationBuilder().AddPolicy(ReaderPolicy, policy => policy.RequireRole("agency", ApiKeys.AdminRole));
        return builder;
    }
}

/// <summary>Event data back to JSON with the store's own serializer settings (NodaTime included).</summary>
public sealed class EventSerializerAccess(EventStoreOptions options)
{
    private readonly JsonSerializerOptions json = CreateOptions(options);

    public JsonElement ToJson(object data) => data switch
    {
        UnregisteredEvent unregistered => unregistered.Data,
        // A key's hash leaves the registry nowhere, not even to agencies.
        ApiKeyIssued issued => JsonSerializer.SerializeToElement(issued with { SecretHash = "redacted" }, json),
        _ => JsonSerializer.SerializeToElement(data, data.GetType(), json),
    };

    private static JsonSerializerOptions CreateOptions(EventStoreOptions options)
    {
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
        json.ConfigureForRegistryTime();
        options.ConfigureJson?.Invoke(json);
        return json;
    }
}
