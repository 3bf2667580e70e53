using ChipRegistry.Api.Problems;
using Microsoft.AspNetCore.Http.Features;
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

    /// <summary>
    /// Raises Kestrel's own limit to the largest endpoint limit (it guards requests the app never reads); each request
    /// the app serves lifts it again (<see cref="UseBodySizeLimits"/>), so the app's check is the one that answers.
    /// </summary>
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
        // Kestrel counts a chunked body as it buffers it, ahead of what the app has read: left at the largest limit it
        // failed a chunked lot of just over 32 MiB itself, with an exception the app did not know (a 500). The
        // app's count below is the limit now.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } serverLimit)
        {
            serverLimit.MaxRequestBodySize = null;
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
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw TooLarge(limit);
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException e)
        {
            // The server found the body's framing broken while the app read it (a bad chunk size, a body shorter than
            // its Content-Length): the request's fault, answered with the status the server chose.
            throw new ApiProblemException(e.StatusCode, "malformed_body", "The request body is not framed correctly.", e.Message);
        }
    });

    private static ApiProblemException TooLarge(long limit) =>
        new(StatusCodes.Status413PayloadTooLarge, "payload_too_large", "The request body is too large.", $"This endpoint accepts at most {limit} bytes.");
}
