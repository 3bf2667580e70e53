using ChipRegistry.Api.Problems;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace ChipRegistry.Api.Limits;

/// <summary>An endpoint's own body limit (the chip-lot endpoint takes 32 MiB; everything else 1 MiB).</summary>
public sealed record BodySizeLimit(long Bytes);

/// <summary>
/// Body limits enforced by the app itself, not by the server: the in-process test host enforces none,
/// and a limit that only Kestrel knows would differ between tests and production.
/// </summary>
public static class BodySizeLimits
{
    public const long Default = 1024 * 1024;
    public const long Largest = 32 * 1024 * 1024;

    public static TBuilder WithBodyLimit<TBuilder>(this TBuilder builder, long bytes) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new BodySizeLimit(bytes));

    /// <summary>Raises Kestrel's own limit to the largest endpoint limit, so the app's check is the one that answers.</summary>
    public static WebApplicationBuilder AddBodySizeLimits(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<KestrelServerOptions>(options => options.Limits.MaxRequestBodySize = Largest + 1);
        return builder;
    }

    public static IApplicationBuilder UseBodySizeLimits(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var limit = context.GetEndpoint()?.Metadata.GetMetadata<BodySizeLimit>()?.Bytes ?? Default;
        if (context.Request.ContentLength > limit)
        {
            throw TooLarge(limit);
        }
        context.Request.Body = new LimitedReadStream(context.Request.Body, limit);
        try
        {
            await next(context);
        }
        catch (PayloadTooLargeException)
        {
            throw TooLarge(limit);
        }
    });

    private static ApiProblemException TooLarge(long limit) =>
        new(StatusCodes.Status413PayloadTooLarge, "payload_too_large", "The request body is too large.", $"This endpoint accepts at most {limit} bytes.");
}
