using System.Net;
using ChipRegistry.Api.Hosting;
using ChipRegistry.Testing;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ChipRegistry.Api.Tests.Hosting;

/// <summary>
/// No Docker engine runs here, so the compose file is proven by starting the API in-process, on a
/// real Kestrel, with exactly the compose file's environment (the database pointed at the test server).
/// </summary>
public sealed class ComposeEnvironmentTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task the_api_started_with_the_compose_environment_is_ready_on_the_published_port()
    {
        var api = ComposeService.Read(ComposeService.RepositoryFile("docker-compose.yml"), "api");
        var environment = new Dictionary<string, string>(api.Environment)
        {
            // The one substitution: "postgres" (the compose service) does not resolve here.
            ["ConnectionStrings__Registry"] = fixture.Database.ConnectionString,
        };
        var settings = environment.ToDictionary(entry => ConfigurationKey(entry.Key), entry => entry.Value);

        await using var factory = KestrelApi.Start(settings);

        var options = factory.Services.GetRequiredService<IOptions<RegistryOptions>>().Value;
        var addresses = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        var listeningPorts = addresses.Select(address => new Uri(address.Replace("+", "localhost", StringComparison.Ordinal).Replace("*", "localhost", StringComparison.Ordinal)).Port).ToHashSet();

        // Every variable must change something the API binds; a new one without a check here fails.
        var checks = new Dictionary<string, Action<string>>
        {
            ["ConnectionStrings__Registry"] = _ => Assert.Equal(fixture.Database.ConnectionString, options.ConnectionString),
            ["Registry__Schema"] = value =>
            {
                Assert.NotEqual(RegistryOptions.DefaultSchema, value);
                Assert.Equal(value, options.Schema);
            },
            ["ASPNETCORE_HTTP_PORTS"] = value => Assert.Equal([int.Parse(value, System.Globalization.CultureInfo.InvariantCulture)], listeningPorts),
        };
        Assert.Equal(checks.Keys.Order(), environment.Keys.Order());
        foreach (var (variable, value) in environment)
        {
            checks[variable](value);
        }

        var published = Assert.Single(api.Ports);
        Assert.Contains(published.Container, listeningPorts);

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{published.Container}") };
        var ready = await Readiness.WaitUntilReadyAsync(http);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    /// <summary>What the host's environment-variable configuration providers do: ASPNETCORE_ prefix off, __ to :.</summary>
    private static string ConfigurationKey(string variable)
    {
        var key = variable.StartsWith("ASPNETCORE_", StringComparison.Ordinal) ? variable["ASPNETCORE_".Length..] : variable;
        return key.Replace("__", ":", StringComparison.Ordinal);
    }
}
