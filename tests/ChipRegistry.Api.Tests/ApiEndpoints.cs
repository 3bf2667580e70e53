using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ChipRegistry.Api.Tests;

/// <summary>Every endpoint the app maps under /api/, as "METHOD /path", read from the app's own routing.</summary>
internal static class ApiEndpoints
{
    public static IReadOnlyList<(string Method, string Path, RouteEndpoint Endpoint)> All(IServiceProvider services) =>
        services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(endpoint => endpoint.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true)
            .SelectMany(endpoint => (endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(method => (method, endpoint.RoutePattern.RawText!.TrimEnd('/'), endpoint)))
            .OrderBy(entry => entry.Item2, StringComparer.Ordinal).ThenBy(entry => entry.method, StringComparer.Ordinal)
            .ToList();
}
