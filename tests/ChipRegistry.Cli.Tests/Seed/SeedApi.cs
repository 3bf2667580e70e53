extern alias api;

using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using ChipRegistry.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace ChipRegistry.Cli.Tests.Seed;

/// <summary>
/// The API on Kestrel over its own empty database, as <c>chipreg seed</c> meets it under run.sh: the manual clock,
/// and a rate limit high enough for a seed's requests.
/// </summary>
public sealed class SeedApi : IAsyncLifetime
{
    public const string AdminKey = "cli-seed-bootstrap-admin-key-0123456789";
    private static readonly string[] RuleProjections = ["custody_gap", "consignee_mismatch", "licence_check", "late_report"];
    private TestDatabase? database;
    private WebApplicationFactory<api::Program>? factory;

    public string Url { get; private set; } = "";

    /// <summary>
    /// <c>chipreg seed</c> of a small world into this API, run once for the class: a year and a half of a world of 300
    /// chips, short enough for a test, long enough to cross the October 2022 rule.
    /// </summary>
    internal Chipreg.Result Seeded { get; private set; } = new(-1, "", "");

    public async ValueTask InitializeAsync()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        database = await TestDatabase.CreateAsync(cancellationToken);
        Url = $"http://127.0.0.1:{FreePort()}";
        factory = new WebApplicationFactory<api::Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("ConnectionStrings:Registry", database.ConnectionString);
            builder.UseSetting(api::ChipRegistry.Api.Keys.BootstrapAdminKey.Variable, AdminKey);
            builder.UseSetting("Registry:Clock", "manual");
            builder.UseSetting("Registry:RateLimit:PermitsPerSecond", "100000");
            builder.UseSetting("Registry:RateLimit:Burst", "100000");
            builder.UseSetting("urls", Url);
        });
        factory.UseKestrel();
        factory.StartServer();
        using var admin = Client(AdminKey);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(await admin.GetAsync("/api/v1/admin/keys?limit=1", cancellationToken)).IsSuccessStatusCode)
        {
            Assert.True(DateTime.UtcNow < deadline, "the API never accepted the bootstrap admin key");
            await Task.Delay(100, cancellationToken);
        }
        Seeded = await Chipreg.RunAsync(AppContext.BaseDirectory, null,
            "seed", "--chips", "300", "--seed", "11", "--until", "2023-06-30", "--api", Url, "--key", AdminKey, "--json");
    }

    /// <summary>The demo agency's key, from the seed's summary.</summary>
    public string AgencyKey => JsonDocument.Parse(Seeded.Output).RootElement.GetProperty("agencyKey").GetString()!;

    public HttpClient Client(string key)
    {
        var client = new HttpClient { BaseAddress = new Uri(Url) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>Every item of a paged listing (<c>next</c> passed back as <c>cursor</c>).</summary>
    public async Task<List<JsonElement>> AllAsync(string key, string path, string items)
    {
        using var client = Client(key);
        var all = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var separator = path.Contains('?', StringComparison.Ordinal) ? '&' : '?';
            var page = await client.GetStringAsync($"{path}{separator}limit=200{(cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}")}", TestContext.Current.CancellationToken);
            using var document = JsonDocument.Parse(page);
            all.AddRange(document.RootElement.GetProperty(items).EnumerateArray().Select(e => e.Clone()));
            cursor = document.RootElement.TryGetProperty("next", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (cursor is not null);
        return all;
    }

    /// <summary>Waits until the built rules' projections have applied every event (the daemon's health says so).</summary>
    public async Task CaughtUpAsync()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var client = new HttpClient { BaseAddress = new Uri(Url) };
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (true)
        {
            using var health = JsonDocument.Parse(await client.GetStringAsync("/health/ready", cancellationToken));
            var daemon = health.RootElement.GetProperty("checks").GetProperty("daemon").GetProperty("data");
            var highest = daemon.GetProperty("highestSeqId").GetInt64();
            var projections = daemon.GetProperty("projections");
            if (RuleProjections.All(p => projections.TryGetProperty(p, out var projection) && projection.GetProperty("checkpoint").GetInt64() >= highest))
            {
                return;
            }
            Assert.True(DateTime.UtcNow < deadline, $"the rules did not catch up: {daemon}");
            await Task.Delay(250, cancellationToken);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (factory is not null)
        {
            await factory.DisposeAsync();
        }
        if (database is not null)
        {
            await database.DisposeAsync();
        }
    }
}
