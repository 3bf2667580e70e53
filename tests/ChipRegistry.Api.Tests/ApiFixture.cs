using System.Net.Http.Headers;
using System.Net.Http.Json;
using Alba;
using ChipRegistry.Api.Keys;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.EventStore;
using ChipRegistry.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace ChipRegistry.Api.Tests;

/// <summary>
/// One Alba host over the API's Program on its own database, with a known bootstrap admin key: the class fixture of a
/// test class, which xunit runs as a collection of its own, so one host per test collection. Requests go through
/// Alba's <see cref="IAlbaHost.Scenario"/> where a test reads a body, and through the host's in-process client where
/// a test inspects the raw response (status, headers, problem bytes).
/// </summary>
public sealed class ApiFixture : IAsyncLifetime
{
    public const string AdminKey = "test-host-bootstrap-admin-key-0123456789";

    /// <summary>Request bodies as a client writes them: web naming, NodaTime values in the registry's formats.</summary>
    public static System.Text.Json.JsonSerializerOptions Json { get; } =
        new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web).ConfigureForRegistryTime();

    private TestDatabase? database;
    private IAlbaHost? host;
    private Dictionary<string, string> settings = [];

    public TestDatabase Database => database ?? throw new InvalidOperationException("Not initialised.");
    public IAlbaHost Host => host ?? throw new InvalidOperationException("Not initialised.");
    public IServiceProvider Services => Host.Services;
    public HttpClient Client { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        database = await TestDatabase.CreateAsync();
        settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:Registry"] = database.ConnectionString,
            [BootstrapAdminKey.Variable] = AdminKey,
            // Matrix, scenario and hostile-corpus tests send many requests with one key.
            ["Registry:RateLimit:PermitsPerSecond"] = "10000",
            ["Registry:RateLimit:Burst"] = "10000",
            ["Registry:RateLimit:Verification:PermitsPerMinute"] = "10000",
            ["Registry:RateLimit:Verification:Burst"] = "10000",
            // Webhook tests drive the dispatcher themselves, on hosts of their own with a fake clock.
            ["Registry:Webhooks:DispatchInBackground"] = "false",
        };
        host = await ApiHosts.StartAsync(settings);
        Client = host.Server.CreateClient();
        await Readiness.WaitUntilReadyAsync(Client);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await SendAsync(HttpMethod.Get, "/api/v1/admin/keys", AdminKey)).StatusCode != System.Net.HttpStatusCode.OK)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException("The bootstrap admin key was never issued.");
            }
            await Task.Delay(50);
        }
        // The catalog is seeded in the background after the migrations; tests that count events need it finished.
        while (await SeededModelCountAsync() < ChipRegistry.Domain.Catalog.CatalogSeed.Models.Count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException("The catalog was never seeded.");
            }
            await Task.Delay(50);
        }
    }

    /// <summary>A second API process on this fixture's database and settings, changed by <paramref name="configure"/>.</summary>
    public Task<IAlbaHost> StartAnotherAsync(Action<IWebHostBuilder> configure) => ApiHosts.StartAsync(settings, configure);

    private async Task<int> SeededModelCountAsync()
    {
        var result = await Host.Scenario(s =>
        {
            s.Get.Url("/api/v1/models?limit=200");
            s.WithBearerToken(AdminKey);
            s.IgnoreStatusCode();
        });
        if (result.Context.Response.StatusCode != StatusCodes.Status200OK)
        {
            return 0;
        }
        using var page = System.Text.Json.JsonDocument.Parse(await result.ReadAsTextAsync());
        return page.RootElement.GetProperty("models").GetArrayLength();
    }

    public CommandPipeline Commands => Services.GetRequiredService<CommandPipeline>();

    /// <summary>Registers an organisation straight through the domain (idempotent for the same id).</summary>
    public async Task RegisterOrganisationAsync(string organisationId, OrganisationKind kind, string country = "US")
    {
        var result = await Commands.HandleAsync(new RegisterOrganisation(organisationId, $"{organisationId} ({kind})", kind, country,
            new LocalDate(2020, 1, 1), BuiltInOrganisations.RegistryAdmin, SystemClock.Instance.GetCurrentInstant()));
        if (!result.IsAccepted && result.Error!.Code != "organisation_already_registered")
        {
            throw new InvalidOperationException(result.Error.ToString());
        }
    }

    /// <summary>A registered organisation of the kind, and a key for it with the matching role.</summary>
    public async Task<IssuedKeyResponse> OrganisationKeyAsync(string organisationId, OrganisationKind kind, string country = "US")
    {
        await RegisterOrganisationAsync(organisationId, kind, country);
        return await IssueKeyAsync(organisationId, ChipRegistry.Api.Callers.Callers.RoleOf(kind));
    }

    public async Task<IssuedKeyResponse> IssueKeyAsync(string organisationId, string role)
    {
        var result = await Host.Scenario(s =>
        {
            s.Post.Json(new IssueKeyRequest(organisationId, role, "test")).ToUrl("/api/v1/admin/keys");
            s.WithBearerToken(AdminKey);
            s.StatusCodeShouldBeSuccess();
        });
        return (await result.ReadAsJsonAsync<IssuedKeyResponse>())!;
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? key, object? body = null, IReadOnlyDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(method, path);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        }
        return await Client.SendAsync(request);
    }

    /// <summary>
    /// An anonymous GET that follows same-origin redirects as a browser would (the test server's client does not):
    /// <c>/scalar</c> answers with a redirect to <c>/scalar/</c>, so relative URLs in the page resolve below it.
    /// </summary>
    public async Task<HttpResponseMessage> BrowseAsync(string path)
    {
        var response = await SendAsync(HttpMethod.Get, path, key: null);
        for (var hops = 0; hops < 3 && (int)response.StatusCode is >= 300 and < 400 && response.Headers.Location is { } location; hops++)
        {
            Assert.False(location.IsAbsoluteUri && location.Host != "localhost", $"{path} redirects off the API's origin, to {location}");
            response = await SendAsync(HttpMethod.Get, location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString, key: null);
        }
        return response;
    }

    /// <summary>GET as the key's holder, assert 200 (a 500 names the exception the server logged), and parse the body.</summary>
    public async Task<System.Text.Json.JsonDocument> GetJsonAsync(string key, string path)
    {
        var result = await Host.Scenario(s =>
        {
            s.Get.Url(path);
            s.WithBearerToken(key);
            s.IgnoreStatusCode();
        });
        var body = await result.ReadAsTextAsync();
        var status = result.Context.Response.StatusCode;
        Assert.True(status == StatusCodes.Status200OK,
            $"GET {path}: expected 200, got {status}: {body}{(status >= 500 ? $"\nserver errors:\n{ServerErrors.Recent()}" : "")}");
        return System.Text.Json.JsonDocument.Parse(body);
    }

    /// <summary>
    /// The problem body as sent, less the <c>traceId</c> member the problem details writer adds per request: two
    /// refusals that must not tell a hidden thing from an absent one are compared on everything else, byte for byte.
    /// </summary>
    public static async Task<byte[]> ProblemBytesAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return System.Text.Encoding.UTF8.GetBytes(System.Text.RegularExpressions.Regex.Replace(text, ",\"traceId\":\"[^\"]*\"", ""));
    }

    /// <summary>The problem details' stable <c>code</c>.</summary>
    public static async Task<string?> ProblemCodeAsync(HttpResponseMessage response)
    {
        using var problem = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return problem.RootElement.GetProperty("code").GetString();
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (host is not null)
        {
            await host.DisposeAsync();
        }
        if (database is not null)
        {
            await database.DisposeAsync();
        }
    }
}
