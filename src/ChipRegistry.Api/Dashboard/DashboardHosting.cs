using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace ChipRegistry.Api.Dashboard;

/// <summary>
/// The agency dashboard: the static files built from src/ChipRegistry.Dashboard (docs/dashboard.md), served from the
/// API process under <see cref="PathPrefix"/> only, with <c>/</c> and <c>/dashboard</c> redirecting to <c>/dashboard/</c> (so the page's relative URLs resolve below it). Nothing else falls back to it:
/// an unknown path under <c>/api</c> stays a 404. The files hold no data; every figure the page shows comes from the
/// public API with the agency key the analyst typed in.
/// </summary>
public static class DashboardHosting
{
    public const string PathPrefix = "/dashboard";
    public const string RootSetting = "Registry:Dashboard:Root";

    /// <summary>
    /// On every response under the prefix, files and 404s alike: the page may load and call only this origin, and
    /// no other page may frame it (the agency key sits in the page).
    /// </summary>
    public const string ContentSecurityPolicy = "default-src 'self'; connect-src 'self'; object-src 'none'; frame-ancestors 'none'";

    /// <summary>Where the built files are: the setting, else the <c>dashboard</c> folder beside the API's assembly.</summary>
    public static string Root(IConfiguration configuration) =>
        configuration[RootSetting] is { Length: > 0 } configured ? configured : Path.Combine(AppContext.BaseDirectory, "dashboard");

    public static WebApplication UseDashboard(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            // Here rather than as endpoints: a route for /dashboard would also match /dashboard/, and the static
            // files are not served where routing has already chosen an endpoint.
            if (HttpMethods.IsGet(context.Request.Method) && context.Request.Path.Value is "/" or PathPrefix)
            {
                context.Response.Redirect(PathPrefix + "/");
                return;
            }
            if (IsDashboardPath(context.Request.Path))
            {
                context.Response.OnStarting(() =>
                {
                    var headers = context.Response.Headers;
                    headers[HeaderNames.ContentSecurityPolicy] = ContentSecurityPolicy;
                    headers[HeaderNames.XContentTypeOptions] = "nosniff";
                    headers["Referrer-Policy"] = "no-referrer";
                    // The page is small and changes with every build: always ask, never serve a stale bundle.
                    headers[HeaderNames.CacheControl] = "no-cache";
                    return Task.CompletedTask;
                });
            }
            await next(context);
        });

        var root = Root(app.Configuration);
        if (!Directory.Exists(root))
        {
            app.Logger.LogWarning("The dashboard's files are not at {Root} (npm run build in src/ChipRegistry.Dashboard): {Prefix}/ answers 404.", root, PathPrefix);
            return app;
        }
        var files = new PhysicalFileProvider(root);
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files, RequestPath = PathPrefix });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files, RequestPath = PathPrefix });
        return app;
    }

    private static bool IsDashboardPath(PathString path) =>
        path.StartsWithSegments(PathPrefix, StringComparison.Ordinal);
}
