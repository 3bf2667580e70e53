using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Alba;
using ChipRegistry.Api.Webhooks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ChipRegistry.Api.Tests.Webhooks;

/// <summary>
/// An API host on the fixture's database for webhook tests: loopback allowed (the receiver runs there), immediate
/// retries without a wait, a fake clock the test advances, names resolved from <see cref="Names"/> first, and the
/// dispatcher driven by the test (<see cref="RunOnceAsync"/>), never in the background.
/// </summary>
public sealed class WebhookHost : IAsyncDisposable
{
    private WebhookHost(IAlbaHost host, FakeTimeProvider time, ConcurrentDictionary<string, IPAddress[]> names)
    {
        Host = host;
        Time = time;
        Names = names;
        Client = host.Server.CreateClient();
    }

    public IAlbaHost Host { get; }
    public FakeTimeProvider Time { get; }
    public ConcurrentDictionary<string, IPAddress[]> Names { get; }
    public HttpClient Client { get; }

    public static async Task<WebhookHost> StartAsync(ApiFixture fixture, IReadOnlyDictionary<string, string>? settings = null,
        FakeTimeProvider? time = null, ConcurrentDictionary<string, IPAddress[]>? names = null)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        time ??= new FakeTimeProvider(DateTimeOffset.UtcNow);
        names ??= new ConcurrentDictionary<string, IPAddress[]>(StringComparer.OrdinalIgnoreCase);
        var known = names;
        var resolver = new WebhookHostResolver((name, token) => known.TryGetValue(name, out var addresses) ? Task.FromResult(addresses) : Dns.GetHostAddressesAsync(name, token));
        var fake = time;
        var host = await fixture.StartAnotherAsync(builder =>
        {
            builder.UseSetting("Registry:Webhooks:AllowLoopback", "true");
            builder.UseSetting("Registry:Webhooks:ImmediateRetryDelay", "00:00:00");
            foreach (var (key, value) in settings ?? new Dictionary<string, string>()) builder.UseSetting(key, value);
            builder.ConfigureTestServices(services =>
            {
                services.AddSingleton<TimeProvider>(fake);
                services.AddSingleton(resolver);
            });
        });
        return new WebhookHost(host, time, names);
    }

    public Task<int> RunOnceAsync() => Host.Services.GetRequiredService<WebhookDispatcher>().RunOnceAsync(TestContext.Current.CancellationToken);

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string key, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (body is not null) request.Content = JsonContent.Create(body, body.GetType(), options: ApiFixture.Json);
        return await Client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>Subscribes and answers the subscription's id and secret.</summary>
    public async Task<(string Id, string Secret)> SubscribeAsync(string key, string url, string[]? kinds = null)
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/v1/webhooks", key, new { url, kinds = kinds ?? ["opened", "closed", "withdrawn", "escalated"] });
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        using var created = JsonDocument.Parse(text);
        return (created.RootElement.GetProperty("id").GetString()!, created.RootElement.GetProperty("secret").GetString()!);
    }

    public async Task<JsonDocument> DeliveriesAsync(string key, string webhookId)
    {
        using var response = await SendAsync(HttpMethod.Get, $"/api/v1/webhooks/{webhookId}/deliveries", key);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonDocument.Parse(text);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
    }
}
