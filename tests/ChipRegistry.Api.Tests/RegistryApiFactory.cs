using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace ChipRegistry.Api.Tests;

/// <summary>The API in-process, on the given settings (configuration keys as in appsettings.json).</summary>
public sealed class RegistryApiFactory(IReadOnlyDictionary<string, string> settings) : WebApplicationFactory<Program>
{
    public static RegistryApiFactory ForDatabase(string connectionString) =>
        new(new Dictionary<string, string> { ["ConnectionStrings:Registry"] = connectionString });

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
    }
}
