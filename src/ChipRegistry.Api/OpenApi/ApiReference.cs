using Scalar.AspNetCore;

namespace ChipRegistry.Api.OpenApi;

/// <summary>
/// <c>/scalar</c>: an API reference page (Scalar) over <c>/openapi/v1.json</c>, anonymous like the document itself.
/// It loads nothing from another origin: the JavaScript bundle is the one embedded in Scalar.AspNetCore and served
/// from here, the default web fonts (fetched from Scalar's CDN) are off, and so are telemetry and the hosted AI agent.
/// </summary>
public static class ApiReference
{
    public const string Path = "/scalar";

    public static IEndpointRouteBuilder MapApiReference(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapScalarApiReference(Path, options => options
            .WithTitle("ChipRegistry API")
            .WithOpenApiRoutePattern("/openapi/{documentName}.json")
            .DisableDefaultFonts()
            .DisableTelemetry()
            .DisableAgent()
            .DisableMcp());
        return endpoints;
    }
}
