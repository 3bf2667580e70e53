using System.Net;
using System.Net.Sockets;
using ChipRegistry.Api.Tests.Flags;
using ChipRegistry.Domain.Organisations;

namespace ChipRegistry.Api.Tests.Webhooks;

/// <summary>
/// No server-side request forgery through a subscription: private, link-local and loopback addresses are refused when
/// subscribing, whether literal or behind a name, and a name that re-resolves to one later is never dialled.
/// </summary>
public sealed class WebhookUrlTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task a_subscription_to_a_private_address_or_a_name_resolving_to_one_is_refused()
    {
        var agency = (await host.OrganisationKeyAsync("wh-url-agency", OrganisationKind.Agency)).Token;
        await using var hooks = await WebhookHost.StartAsync(host);
        hooks.Names["intranet.example"] = [IPAddress.Parse("10.1.2.3")];
        hooks.Names["metadata.example"] = [IPAddress.Parse("203.0.113.9"), IPAddress.Parse("169.254.169.254")];
        hooks.Names["cases.example"] = [IPAddress.Parse("203.0.113.10")];

        foreach (var (url, code) in new[]
        {
            ("https://10.0.0.5/hook", "webhook_url_refused"),
            ("https://192.168.1.20/hook", "webhook_url_refused"),
            ("https://169.254.169.254/latest/meta-data", "webhook_url_refused"),
            ("https://[fd00::1]/hook", "webhook_url_refused"),
            ("https://[::ffff:10.0.0.1]/hook", "webhook_url_refused"),
            ("https://intranet.example/hook", "webhook_url_refused"),
            ("https://metadata.example/hook", "webhook_url_refused"),
            ("http://cases.example/hook", "invalid_webhook_url"),
            ("https://user:secret@cases.example/hook", "invalid_webhook_url"),
            ("ftp://cases.example/hook", "invalid_webhook_url"),
        })
        {
            using var response = await hooks.SendAsync(HttpMethod.Post, "/api/v1/webhooks", agency, new { url, kinds = new[] { "opened" } });
            Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, $"{url}: {(int)response.StatusCode}");
            Assert.Equal(code, await ApiFixture.ProblemCodeAsync(response));
        }
        // Escalations only: the class's other test counts the delivery attempts a raised flag causes, whatever runs first.
        using (var accepted = await hooks.SendAsync(HttpMethod.Post, "/api/v1/webhooks", agency, new { url = "https://cases.example/hook", kinds = new[] { "escalated" } }))
        {
            Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
        }

        // Where loopback is not allowed (the production default), a loopback receiver is refused too.
        using var loopback = await host.SendAsync(HttpMethod.Post, "/api/v1/webhooks", agency, new { url = "http://127.0.0.1:8080/hook", kinds = new[] { "opened" } });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, loopback.StatusCode);
        Assert.Equal("webhook_url_refused", await ApiFixture.ProblemCodeAsync(loopback));
    }

    [Fact]
    public async Task a_name_that_resolves_to_a_refused_address_when_sending_is_never_dialled()
    {
        var agency = (await host.OrganisationKeyAsync("wh-rebind-agency", OrganisationKind.Agency)).Token;
        // A bare TCP listener: it counts every connection made to it, and closes it at once (no TLS, no HTTP).
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        var port = ((IPEndPoint)socket.LocalEndpoint).Port;
        var dialled = 0;
        var accepting = Task.Run(async () =>
        {
            while (true)
            {
                using var connection = await socket.AcceptTcpClientAsync(TestContext.Current.CancellationToken);
                Interlocked.Increment(ref dialled);
            }
        }, TestContext.Current.CancellationToken);
        // The production default: loopback is refused.
        await using var hooks = await WebhookHost.StartAsync(host, new Dictionary<string, string> { ["Registry:Webhooks:AllowLoopback"] = "false" });
        hooks.Names["rebind.example"] = [IPAddress.Parse("203.0.113.7")];
        var (webhook, _) = await hooks.SubscribeAsync(agency, $"https://rebind.example:{port}/hook");

        // The name now points at the loopback listener, as a DNS rebinding would.
        hooks.Names["rebind.example"] = [IPAddress.Loopback];
        await FlagArrange.RaiseAsync(host);
        Assert.Equal(3, await hooks.RunOnceAsync());

        Assert.Equal(0, Volatile.Read(ref dialled));
        using var log = await hooks.DeliveriesAsync(agency, webhook);
        var delivery = Assert.Single(log.RootElement.GetProperty("deliveries").EnumerateArray());
        Assert.Equal("pending", delivery.GetProperty("state").GetString());
        Assert.All(delivery.GetProperty("attemptLog").EnumerateArray(), attempt =>
        {
            Assert.Equal(System.Text.Json.JsonValueKind.Null, attempt.GetProperty("statusCode").ValueKind);
            Assert.StartsWith("refused: rebind.example resolves only to", attempt.GetProperty("error").GetString(), StringComparison.Ordinal);
        });
        await hooks.SendAsync(HttpMethod.Delete, $"/api/v1/webhooks/{webhook}", agency);
        socket.Stop();
        await Assert.ThrowsAnyAsync<Exception>(() => accepting);
    }
}
