using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ChipRegistry.Api.Dashboard;
using ChipRegistry.Api.Keys;
using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.EventStore;
using ChipRegistry.Testing;
using ChipRegistry.World;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Playwright;
using NodaTime;

namespace ChipRegistry.Dashboard.Tests;

/// <summary>
/// The API on a real loopback port (the browser needs a URL) over its own database, a small generated world, a few
/// chips of our own in Singapore and Hong Kong, a flag raised the way the registry raises one (a chip shipped to China
/// with no licence), a consignee and an observation whose text is markup, and one Chromium (Debian's package) for
/// every test of the collection.
/// </summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    public const string AdminKey = "dashboard-test-bootstrap-admin-key-0123456789";
    public const string ChromiumPath = "/usr/bin/chromium";
    public const string AgencyId = "bis";
    public const string HostileText = "<img src=x onerror=\"window.__hostile=1\">";
    public const string HostileOrganisationId = "dash-hostile";

    /// <summary>300 chips: lots of ten, every route of the generator, a world that takes seconds to generate.</summary>
    public static WorldSettings World { get; } = new(20_260_630, 300);

    private TestDatabase? database;
    private LoopbackApi? api;
    private IPlaywright? playwright;

    public Uri BaseAddress { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public string AgencyKey { get; private set; } = "";
    public string OperatorKey { get; private set; } = "";
    public string RevokedKey { get; private set; } = "";
    public string FlagId { get; private set; } = "";
    public string FlaggedChipId { get; private set; } = "";
    public IServiceProvider Services => api!.Services;

    public async ValueTask InitializeAsync()
    {
        database = await TestDatabase.CreateAsync();
        api = LoopbackApi.Start(new Dictionary<string, string>
        {
            ["ConnectionStrings:Registry"] = database.ConnectionString,
            [BootstrapAdminKey.Variable] = AdminKey,
            ["Registry:RateLimit:PermitsPerSecond"] = "10000",
            ["Registry:RateLimit:Burst"] = "10000",
            [DashboardHosting.RootSetting] = BuiltDashboard(),
        });
        BaseAddress = api.Address;
        Http = new HttpClient { BaseAddress = BaseAddress };
        await WaitUntilAsync(async () => (await Http.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode == HttpStatusCode.OK, "the API never became ready");
        await WaitUntilAsync(async () => (await SendAsync(HttpMethod.Get, "/api/v1/admin/keys", AdminKey)).StatusCode == HttpStatusCode.OK, "the bootstrap admin key was never issued");

        var commands = Services.GetRequiredService<CommandPipeline>();
        await WorldGenerator.GenerateAsync(commands, World);
        await ArrangeAsync(commands);
        await Services.GetRequiredService<ProjectionDaemon>().WaitForCatchUpAsync();
        FlagId = await FlagOfAsync(FlaggedChipId);

        AgencyKey = (await IssueKeyAsync(AgencyId, "agency")).Token;
        await RegisterAsync(commands, "dash-operator", "Dashboard test operator", OrganisationKind.Operator, "US");
        OperatorKey = (await IssueKeyAsync("dash-operator", "operator")).Token;
        var revoked = await IssueKeyAsync(AgencyId, "agency");
        (await SendAsync(HttpMethod.Post, $"/api/v1/admin/keys/{revoked.KeyId}/revoke", AdminKey, new { reason = "a key the sign-in test shows refused" })).EnsureSuccessStatusCode();
        RevokedKey = revoked.Token;
        await RecordHostileObservationAsync();

        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // Tests run as root in CI containers, where Chromium's sandbox cannot start.
            Args = ["--no-sandbox"],
        });
    }

    /// <summary>
    /// Chips of our own in the transshipment hubs (the generated world may place none there at this size), and a
    /// chip shipped to the markup-named consignee in China with no licence cited, which rule 16 flags.
    /// </summary>
    private async Task ArrangeAsync(CommandPipeline commands)
    {
        static Instant Now() => SystemClock.Instance.GetCurrentInstant();
        var maker = new Actor("dash-maker", OrganisationKind.Manufacturer);
        await RegisterAsync(commands, maker.OrganisationId, "Dashboard test maker", OrganisationKind.Manufacturer, "TW");
        await RegisterAsync(commands, "dash-sg", "Dashboard test distributor, Singapore", OrganisationKind.Distributor, "SG");
        await RegisterAsync(commands, "dash-hk", "Dashboard test distributor, Hong Kong", OrganisationKind.Distributor, "HK");
        await RegisterAsync(commands, HostileOrganisationId, HostileText, OrganisationKind.Distributor, "CN");
        var chips = Enumerable.Range(1, 5).Select(n => $"nvidia:dash{n:D4}").ToList();
        Accepted(await commands.RegisterLotAsync(new RegisterChipLot(Guid.NewGuid(), "dash-lot", CatalogSeed.H100Sxm.ModelId, "TW", maker, Now()), chips));
        async Task DeliverAsync(string chipId, string consigneeId, string country)
        {
            var party = new PartyJurisdiction(consigneeId, country, consigneeId, country);
            var context = new ShipmentContext(CatalogSeed.H100Sxm, party, party, null, null, 0);
            Accepted(await commands.HandleAsync(new ShipChip(Guid.NewGuid(), chipId, country, consigneeId, consigneeId, consigneeId, consigneeId, consigneeId, null, context, maker, Now())));
            Accepted(await commands.HandleAsync(new ReceiveChip(Guid.NewGuid(), chipId, country, new Actor(consigneeId, OrganisationKind.Distributor), Now())));
        }
        await DeliverAsync(chips[0], "dash-sg", "SG");
        await DeliverAsync(chips[1], "dash-sg", "SG");
        await DeliverAsync(chips[2], "dash-hk", "HK");
        FlaggedChipId = chips[4];
        var hostile = new PartyJurisdiction(HostileOrganisationId, "CN", HostileOrganisationId, "CN");
        Accepted(await commands.HandleAsync(new ShipChip(Guid.NewGuid(), FlaggedChipId, "CN", HostileOrganisationId, HostileOrganisationId, HostileOrganisationId,
            HostileOrganisationId, HostileOrganisationId, null, new ShipmentContext(CatalogSeed.H100Sxm, hostile, hostile, null, null, 0), maker, Now())));
    }

    /// <summary>An operator reports the flagged chip through the API, its details markup.</summary>
    private async Task RecordHostileObservationAsync()
    {
        var response = await SendAsync(HttpMethod.Post, "/api/v1/observations", OperatorKey,
            new { chipId = FlaggedChipId, kind = "sighting", details = HostileText });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await Services.GetRequiredService<ProjectionDaemon>().WaitForCatchUpAsync();
    }

    private async Task<string> FlagOfAsync(string chipId)
    {
        using var page = await GetJsonAsync($"/api/v1/chips/{chipId}/flags", AdminKey);
        var flags = page.RootElement.GetProperty("flags");
        Assert.True(flags.GetArrayLength() > 0, $"no flag was raised on {chipId}");
        return flags[0].GetProperty("id").GetString()!;
    }

    private static async Task RegisterAsync(CommandPipeline commands, string id, string name, OrganisationKind kind, string country) =>
        Accepted(await commands.HandleAsync(new RegisterOrganisation(id, name, kind, country, new LocalDate(2020, 1, 1),
            BuiltInOrganisations.RegistryAdmin, SystemClock.Instance.GetCurrentInstant())));

    private static void Accepted(CommandResult result) => Assert.True(result.IsAccepted, result.Error?.ToString());

    private async Task<IssuedKeyResponse> IssueKeyAsync(string organisationId, string role)
    {
        var response = await SendAsync(HttpMethod.Post, "/api/v1/admin/keys", AdminKey, new IssueKeyRequest(organisationId, role, "dashboard tests"));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<IssuedKeyResponse>())!;
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? key, object? body = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (key is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (body is not null) request.Content = JsonContent.Create(body, body.GetType());
        return await Http.SendAsync(request);
    }

    /// <summary>GET as the key's holder; the answer must be 200.</summary>
    public async Task<JsonDocument> GetJsonAsync(string path, string key)
    {
        var response = await SendAsync(HttpMethod.Get, path, key);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string failure)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new InvalidOperationException(failure);
            await Task.Delay(50);
        }
    }

    /// <summary>The files <c>npm run build</c> wrote (test.sh runs it before building the solution).</summary>
    private static string BuiltDashboard()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "ChipRegistry.sln")))
        {
            directory = directory.Parent;
        }
        var built = Path.Combine(directory?.FullName ?? throw new InvalidOperationException("No ChipRegistry.sln above the test assembly."), "src", "ChipRegistry.Dashboard", "dist");
        return File.Exists(Path.Combine(built, "index.html"))
            ? built
            : throw new InvalidOperationException($"The dashboard is not built ({built}): run tools/dashboard.sh build, as test.sh does.");
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        playwright?.Dispose();
        Http?.Dispose();
        if (api is not null) await api.DisposeAsync();
        if (database is not null) await database.DisposeAsync();
    }

    /// <summary>The API's Program on Kestrel, on a port the system picks.</summary>
    private sealed class LoopbackApi(IReadOnlyDictionary<string, string> settings) : WebApplicationFactory<Program>
    {
        public Uri Address { get; private set; } = null!;

        public static LoopbackApi Start(IReadOnlyDictionary<string, string> settings)
        {
            var api = new LoopbackApi(settings);
            api.UseKestrel();
            api.StartServer();
            var addresses = api.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
            api.Address = new Uri(addresses.First());
            return api;
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("Registry:Clock", "manual");
            builder.UseSetting("urls", "http://127.0.0.1:0");
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
            // The world registers the catalog itself, with specifications in force from before its first lot; the
            // API's own seeding at start would register the models as of today first, and no lot of 2022 would find
            // a specification in force.
            builder.ConfigureTestServices(services => services.Remove(
                services.Single(service => service.ServiceType == typeof(IHostedService) && service.ImplementationType?.Name == "CatalogSeeding")));
        }
    }
}

[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardFixture>
{
    public const string Name = "dashboard";
}
