extern alias api;

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using ChipRegistry.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;

namespace ChipRegistry.Cli.Tests.Import;

/// <summary>
/// The API on Kestrel over its own database, as <c>chipreg import</c> meets it: a manufacturer (nvidia, maker of the
/// seeded H100) and an operator (imp-op), each with its key; lots are registered through the API. The bootstrap
/// admin key is <see cref="AdminKey"/>, for the commands that speak to the admin API.
/// </summary>
public sealed class ImportApi : IAsyncLifetime
{
    public const string AdminKey = "cli-import-bootstrap-admin-key-0123456789";
    private TestDatabase? database;
    private WebApplicationFactory<api::Program>? factory;

    public string Url { get; private set; } = "";
    public string MakerKey { get; private set; } = "";
    public string OperatorKey { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        database = await TestDatabase.CreateAsync(cancellationToken);
        var port = FreePort();
        Url = $"http://127.0.0.1:{port}";
        factory = new WebApplicationFactory<api::Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("ConnectionStrings:Registry", database.ConnectionString);
            builder.UseSetting(api::ChipRegistry.Api.Keys.BootstrapAdminKey.Variable, AdminKey);
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
        MakerKey = await OrganisationKeyAsync(admin, "nvidia", "manufacturer", "TW");
        OperatorKey = await OrganisationKeyAsync(admin, "imp-op", "operator", "AE");
    }

    public HttpClient Client(string key)
    {
        var client = new HttpClient { BaseAddress = new Uri(Url) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>A fresh lot of nvidia's (named <paramref name="lotId"/>, or a fresh id), fabricated two hours ago; its chip ids.</summary>
    public async Task<string[]> LotAsync(int count, string? lotId = null)
    {
        var serials = Enumerable.Range(0, count).Select(_ => $"nvidia:{Guid.NewGuid():N}").ToArray();
        using var maker = Client(MakerKey);
        var response = await maker.PostAsJsonAsync("/api/v1/lots", new
        {
            lotId = lotId ?? $"imp-{Guid.NewGuid():N}"[..16], modelId = "nvidia-h100-sxm", country = "TW",
            fabricatedAt = DateTimeOffset.UtcNow.AddHours(-2).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture), serials,
        }, TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return serials;
    }

    /// <summary>
    /// A fresh GS1 company prefix granted to nvidia and a GTIN under it mapped to its H100: the SGTIN URN of a serial
    /// (<c>urn:epc:id:sgtin:prefix.item.serial</c>) then names the chip <c>nvidia:serial</c>.
    /// </summary>
    public async Task<Func<string, string>> SgtinsAsync()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var prefix = "9" + string.Concat(Guid.NewGuid().ToByteArray().Take(9).Select(b => (char)('0' + b % 10)));
        var itemReference = "0" + "1".PadLeft(12 - prefix.Length, '0');
        using var admin = Client(AdminKey);
        var granted = await admin.PostAsJsonAsync("/api/v1/gs1/prefixes", new { companyPrefix = prefix, manufacturerId = "nvidia" }, cancellationToken);
        Assert.True(granted.StatusCode == HttpStatusCode.Created, await granted.Content.ReadAsStringAsync(cancellationToken));
        using var maker = Client(MakerKey);
        var mapped = await maker.PostAsJsonAsync("/api/v1/gs1/gtins", new { gtin = ChipRegistry.Domain.Gs1.Gtins.FromSgtinParts(prefix, itemReference), modelId = "nvidia-h100-sxm" }, cancellationToken);
        Assert.True(mapped.StatusCode == HttpStatusCode.Created, await mapped.Content.ReadAsStringAsync(cancellationToken));
        return serial => $"urn:epc:id:sgtin:{prefix}.{itemReference}.{serial}";
    }

    /// <summary>How many events the chips' streams hold.</summary>
    public async Task<long> EventCountAsync(IEnumerable<string> chipIds)
    {
        await using var connection = await database!.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand("select count(*) from chipregistry.events where stream_key = any($1)", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = chipIds.ToArray() });
        return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    /// <summary>The chip as its holder reads it.</summary>
    public async Task<JsonElement> ChipAsync(string key, string chipId)
    {
        using var client = Client(key);
        using var document = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/chips/{chipId}", TestContext.Current.CancellationToken));
        return document.RootElement.Clone();
    }

    private static async Task<string> OrganisationKeyAsync(HttpClient admin, string organisationId, string kind, string country)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var registered = await admin.PostAsJsonAsync("/api/v1/organisations", new { organisationId, name = organisationId, kind, country, foundedOn = "2001-04-01" }, cancellationToken);
        Assert.True(registered.StatusCode == HttpStatusCode.Created, await registered.Content.ReadAsStringAsync(cancellationToken));
        var issued = await admin.PostAsJsonAsync("/api/v1/admin/keys", new { organisationId, role = kind, label = "import tests" }, cancellationToken);
        Assert.True(issued.IsSuccessStatusCode, await issued.Content.ReadAsStringAsync(cancellationToken));
        using var key = JsonDocument.Parse(await issued.Content.ReadAsStringAsync(cancellationToken));
        return key.RootElement.GetProperty("token").GetString()!;
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
