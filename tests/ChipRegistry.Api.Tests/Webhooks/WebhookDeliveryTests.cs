using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ChipRegistry.Api.Tests.Flags;
using ChipRegistry.Domain.Detection.LicenceCheckFailed;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.EventStore;
using Microsoft.Extensions.DependencyInjection;

namespace ChipRegistry.Api.Tests.Webhooks;

/// <summary>
/// Webhooks end to end against a receiver on loopback: a flag raised by rule 16 reaches it once, signed; a failing
/// receiver gets it after the retries; a dead delivery is redelivered on request; a rebuild sends nothing new; two
/// hosts send each notification once; escalations are sent. The dispatcher runs when the test says, on a fake clock.
/// </summary>
public sealed class WebhookDeliveryTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private async Task<string> AgencyAsync() => (await host.OrganisationKeyAsync($"wh-agency-{Guid.NewGuid():N}"[..22], OrganisationKind.Agency)).Token;

    /// <summary>A receiver's check, written from docs/webhooks.md rather than with the registry's own signing code.</summary>
    private static void AssertSigned(WebhookReceiver.ReceivedWebhook received, string secret, DateTimeOffset now)
    {
        var header = received.Headers["ChipRegistry-Signature"];
        var parts = header.Split(',').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        var timestamp = long.Parse(parts["t"], CultureInfo.InvariantCulture);
        Assert.InRange(now.ToUnixTimeSeconds() - timestamp, 0, 300);
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{parts["t"]}.{received.Body}")));
        Assert.Equal(expected, parts["v1"]);
    }

    [Fact]
    public async Task a_raised_flag_is_delivered_once_with_a_valid_signature_and_logged()
    {
        await using var receiver = new WebhookReceiver();
        await using var hooks = await WebhookHost.StartAsync(host);
        var agency = await AgencyAsync();
        var (webhook, secret) = await hooks.SubscribeAsync(agency, receiver.Url);
        try
        {
            var flag = await FlagArrange.RaiseAsync(host);

            Assert.Equal(1, await hooks.RunOnceAsync());
            Assert.Equal(0, await hooks.RunOnceAsync());

            var received = Assert.Single(receiver.Received);
            AssertSigned(received, secret, hooks.Time.GetUtcNow());
            using var body = JsonDocument.Parse(received.Body);
            Assert.Equal(($"{flag.FlagId}.opened", "flag.opened"), (body.RootElement.GetProperty("id").GetString(), body.RootElement.GetProperty("type").GetString()));
            var sent = body.RootElement.GetProperty("flag");
            Assert.Equal((flag.FlagId, 16, "critical", "open", "CN"), (sent.GetProperty("id").GetString(), sent.GetProperty("rule").GetInt32(),
                sent.GetProperty("severity").GetString(), sent.GetProperty("status").GetString(), sent.GetProperty("country").GetString()));
            Assert.Equal(("organisation", flag.ShipperId), (sent.GetProperty("subject").GetProperty("kind").GetString(), sent.GetProperty("subject").GetProperty("id").GetString()));
            Assert.Equal($"/api/v1/flags/{flag.FlagId}", body.RootElement.GetProperty("links").GetProperty("flag").GetString());
            Assert.Equal("flag.opened", received.Headers["ChipRegistry-Event"]);

            using var log = await hooks.DeliveriesAsync(agency, webhook);
            var delivery = Assert.Single(log.RootElement.GetProperty("deliveries").EnumerateArray());
            Assert.Equal((received.Headers["ChipRegistry-Delivery"], "delivered", 1), (delivery.GetProperty("id").GetString(), delivery.GetProperty("state").GetString(),
                delivery.GetProperty("attempts").GetInt32()));
            Assert.Equal(200, Assert.Single(delivery.GetProperty("attemptLog").EnumerateArray()).GetProperty("statusCode").GetInt32());

            // Another agency sees no such subscription.
            using var stranger = await hooks.SendAsync(HttpMethod.Get, $"/api/v1/webhooks/{webhook}/deliveries", await AgencyAsync());
            Assert.Equal(HttpStatusCode.NotFound, stranger.StatusCode);
        }
        finally
        {
            await hooks.SendAsync(HttpMethod.Delete, $"/api/v1/webhooks/{webhook}", agency);
        }
    }

    [Fact]
    public async Task a_receiver_that_fails_and_then_recovers_gets_the_delivery_after_the_retries()
    {
        await using var receiver = new WebhookReceiver { StatusOf = n => n <= 4 ? 503 : 200 };
        await using var hooks = await WebhookHost.StartAsync(host);
        var agency = await AgencyAsync();
        var (webhook, secret) = await hooks.SubscribeAsync(agency, receiver.Url);
        try
        {
            await FlagArrange.RaiseAsync(host);

            // A round: the attempt and two immediate retries, all failing; the next round waits.
            Assert.Equal(3, await hooks.RunOnceAsync());
            Assert.Equal(0, await hooks.RunOnceAsync());
            using (var pending = await hooks.DeliveriesAsync(agency, webhook))
            {
                var delivery = Assert.Single(pending.RootElement.GetProperty("deliveries").EnumerateArray());
                Assert.Equal(("pending", "answered 503"), (delivery.GetProperty("state").GetString(), delivery.GetProperty("lastError").GetString()));
                Assert.True(delivery.GetProperty("nextAttemptAt").ValueKind == JsonValueKind.String);
            }

            hooks.Time.Advance(TimeSpan.FromHours(1));
            Assert.Equal(2, await hooks.RunOnceAsync());
            Assert.Equal(0, await hooks.RunOnceAsync());

            Assert.Equal(5, receiver.Received.Count);
            Assert.Single(receiver.Received.Select(r => r.Body).Distinct());
            AssertSigned(receiver.Received.Last(), secret, hooks.Time.GetUtcNow());
            using var log = await hooks.DeliveriesAsync(agency, webhook);
            var done = Assert.Single(log.RootElement.GetProperty("deliveries").EnumerateArray());
            Assert.Equal("delivered", done.GetProperty("state").GetString());
            Assert.Equal([503, 503, 503, 503, 200], done.GetProperty("attemptLog").EnumerateArray().Select(a => a.GetProperty("statusCode").GetInt32()));
        }
        finally
        {
            await hooks.SendAsync(HttpMethod.Delete, $"/api/v1/webhooks/{webhook}", agency);
        }
    }

    [Fact]
    public async Task a_delivery_failing_for_a_day_is_dead_until_redelivered()
    {
        var recovered = false;
        await using var receiver = new WebhookReceiver();
        receiver.StatusOf = _ => recovered ? 200 : 500;
        await using var hooks = await WebhookHost.StartAsync(host);
        var agency = await AgencyAsync();
        var (webhook, _) = await hooks.SubscribeAsync(agency, receiver.Url);
        try
        {
            await FlagArrange.RaiseAsync(host);
            for (var hour = 0; hour <= 25; hour++)
            {
                await hooks.RunOnceAsync();
                hooks.Time.Advance(TimeSpan.FromHours(1));
            }
            string deliveryId;
            using (var dead = await hooks.DeliveriesAsync(agency, webhook))
            {
                var delivery = Assert.Single(dead.RootElement.GetProperty("deliveries").EnumerateArray());
                Assert.Equal("dead", delivery.GetProperty("state").GetString());
                deliveryId = delivery.GetProperty("id").GetString()!;
            }
            Assert.Equal(0, await hooks.RunOnceAsync());
            var attemptsWhenDead = receiver.Received.Count;

            recovered = true;
            using (var redeliver = await hooks.SendAsync(HttpMethod.Post, $"/api/v1/webhooks/{webhook}/deliveries/{deliveryId}/redeliver", agency))
            {
                Assert.Equal(HttpStatusCode.Accepted, redeliver.StatusCode);
            }
            Assert.Equal(1, await hooks.RunOnceAsync());
            Assert.Equal(attemptsWhenDead + 1, receiver.Received.Count);
            using (var again = await hooks.SendAsync(HttpMethod.Post, $"/api/v1/webhooks/{webhook}/deliveries/{deliveryId}/redeliver", agency))
            {
                Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
                Assert.Equal("delivery_not_dead", await ApiFixture.ProblemCodeAsync(again));
            }
            using var log = await hooks.DeliveriesAsync(agency, webhook);
            var delivered = Assert.Single(log.RootElement.GetProperty("deliveries").EnumerateArray());
            Assert.Equal(("delivered", attemptsWhenDead + 1), (delivered.GetProperty("state").GetString(), delivered.GetProperty("attemptLog").GetArrayLength()));
        }
        finally
        {
            await hooks.SendAsync(HttpMethod.Delete, $"/api/v1/webhooks/{webhook}", agency);
        }
    }

    [Fact]
    public async Task a_rebuild_of_the_rule_sends_nothing_new()
    {
        await using var receiver = new WebhookReceiver();
        await using var hooks = await WebhookHost.StartAsync(host);
        var agency = await AgencyAsync();
        var (webhook, _) = await hooks.SubscribeAsync(agency, receiver.Url);
        try
        {
            await FlagArrange.RaiseAsync(host);
            Assert.Equal(1, await hooks.RunOnceAsync());

            var daemon = host.Services.GetRequiredService<ProjectionDaemon>();
            await daemon.RebuildAsync(LicenceCheckFailedProjection.Prefix, Cancel);
            await daemon.WaitForCatchUpAsync(Cancel);

            Assert.Equal(0, await hooks.RunOnceAsync());
            Assert.Single(receiver.Received);
            using var log = await hooks.DeliveriesAsync(agency, webhook);
            Assert.Single(log.RootElement.GetProperty("deliveries").EnumerateArray());
        }
        finally
        {
            await hooks.SendAsync(HttpMethod.Delete, $"/api/v1/webhooks/{webhook}", agency);
        }
    }

    [Fact]
    public async Task two_api_hosts_send_each_notification_once()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var receiver = new WebhookReceiver { Gate = release.Task };
        await using var first = await WebhookHost.StartAsync(host);
        await using var second = await WebhookHost.StartAsync(host, time: first.Time, names: first.Names);
        var agency = await AgencyAsync();
        var (webhook, _) = await first.SubscribeAsync(agency, receiver.Url);
        try
        {
            await FlagArrange.RaiseAsync(host);

            // The first host is sending (its receiver holds the answer); the second finds the subscription taken.
            var sending = first.RunOnceAsync();
            await receiver.NextAsync(Cancel);
            var other = second.RunOnceAsync();
            var arrivedTwice = receiver.NextAsync(Cancel);
            await Task.WhenAny(other, arrivedTwice);
            release.SetResult();
            Assert.Equal(1, await sending);
            Assert.Equal(0, await other);
            Assert.Equal(0, await second.RunOnceAsync());
            Assert.Single(receiver.Received);
        }
        finally
        {
            release.TrySetResult();
            await first.SendAsync(HttpMethod.Delete, $"/api/v1/webhooks/{webhook}", agency);
        }
    }

    [Fact]
    public async Task an_escalation_is_sent_once_as_its_own_notification()
    {
        await using var receiver = new WebhookReceiver();
        await using var hooks = await WebhookHost.StartAsync(host);
        var agency = await AgencyAsync();
        var (webhook, _) = await hooks.SubscribeAsync(agency, receiver.Url, ["escalated"]);
        try
        {
            var flag = await FlagArrange.RaiseAsync(host);
            Assert.Equal(0, await hooks.RunOnceAsync());
            foreach (var reason in new[] { "refer to enforcement", "still unexplained" })
            {
                using var review = await hooks.SendAsync(HttpMethod.Post, $"/api/v1/flags/{flag.FlagId}/reviews", agency, new { action = "escalate", reason });
                Assert.Equal(HttpStatusCode.OK, review.StatusCode);
            }
            Assert.Equal(1, await hooks.RunOnceAsync());
            using var body = JsonDocument.Parse(Assert.Single(receiver.Received).Body);
            Assert.Equal(("flag.escalated", flag.FlagId), (body.RootElement.GetProperty("type").GetString(), body.RootElement.GetProperty("flag").GetProperty("id").GetString()));
        }
        finally
        {
            await hooks.SendAsync(HttpMethod.Delete, $"/api/v1/webhooks/{webhook}", agency);
        }
    }
}
