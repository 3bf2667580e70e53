using Alba;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;

namespace ChipRegistry.Api.Tests;

/// <summary>The API's Program in-process, on the given settings (configuration keys as in appsettings.json).</summary>
public static class ApiHosts
{
    /// <summary>An Alba host over the API's Program: requests run through the in-process test server.</summary>
    public static async Task<IAlbaHost> StartAsync(IReadOnlyDictionary<string, string> settings, Action<IWebHostBuilder>? configure = null) =>
        await AlbaHost.For<Program>(builder =>
        {
            // A test host's clock ticks only when a test says so: an hourly tick landing mid-test would change its event counts.
            builder.UseSetting("Registry:Clock", "manual");
            builder.ConfigureLogging(logging => logging.AddProvider(ServerErrors.Provider));
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
            configure?.Invoke(builder);
        });

    public static Task<IAlbaHost> ForDatabaseAsync(string connectionString) =>
        StartAsync(new Dictionary<string, string> { ["ConnectionStrings:Registry"] = connectionString });
}

/// <summary>
/// The API on a real Kestrel listener, for the two tests that need a socket (the compose file's published port, and
/// the body limit, which the in-process test server does not enforce). Every other test goes through Alba.
/// </summary>
public sealed class KestrelApi : WebApplicationFactory<Program>
{
    private readonly IReadOnlyDictionary<string, string> settings;

    private KestrelApi(IReadOnlyDictionary<string, string> settings) => this.settings = settings;

    /// <summary>Starts the API on Kestrel (the settings' <c>urls</c> or <c>ASPNETCORE_HTTP_PORTS</c> say where).</summary>
    public static KestrelApi Start(IReadOnlyDictionary<string, string> settings)
    {
        var api = new KestrelApi(settings);
        api.UseKestrel();
        api.StartServer();
        return api;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Registry:Clock", "manual");
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
    }
}
