using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using ChipRegistry.Domain.Attestations;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace ChipRegistry.Api.Tests.Attestations;

/// <summary>The registry's clock moved on, not the test's: a second API process on the same database with a clock that can be pushed forward.</summary>
public sealed class NonceExpiryTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task a_nonce_used_within_its_ten_minutes_is_valid_and_one_used_after_them_is_invalid_and_stays_unused()
    {
        var clock = new ShiftedClock();
        await using var shifted = await host.StartAnotherAsync(builder => builder.ConfigureTestServices(services => services.AddSingleton<IClock>(clock)));
        using var client = shifted.Server.CreateClient();
        await Readiness.WaitUntilReadyAsync(client);
        var world = new AttestationWorld(host);
        var token = await world.OperatorKeyAsync("op-expiry");
        await world.FacilityAsync("op-expiry", "fac-expiry", "c1");
        await world.InstallAsync("fac-expiry", "c1", "expiry:1");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(client, token, "/api/v1/attestation-keys",
            new { keyId = "k1", publicKeyPem = key.ExportSubjectPublicKeyInfoPem(), validFrom = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero) })).StatusCode);

        var early = await NonceAsync(client, token);
        var late = await NonceAsync(client, token);
        clock.Advance(Duration.FromMinutes(9));
        var withinLifetime = await AttestAsync(client, token, key, early);
        clock.Advance(Duration.FromMinutes(2));
        var afterLifetime = await AttestAsync(client, token, key, late);
        clock.Advance(Duration.FromMinutes(-11));
        var backInTime = await AttestAsync(client, token, key, late);

        Assert.Equal("valid", withinLifetime);
        Assert.Equal("invalid", afterLifetime);
        // The expired attempt did not use the nonce up: inside its lifetime it is still good.
        Assert.Equal("valid", backInTime);
        Assert.Equal([SignatureResult.Valid, SignatureResult.Invalid, SignatureResult.Valid], (await world.AttestationsAsync("expiry:1")).Select(a => a.Signature));
    }

    private static async Task<string?> AttestAsync(HttpClient client, string token, ECDsa key, string nonce)
    {
        var at = SignedPayload.RecentSecond();
        var signature = SignedPayload.Sign(key, SignedPayload.Chip("expiry:1", "fac-expiry", "rtt", null, null, nonce, at));
        return await AttestationEndpointTests.SignatureOfAsync(await SendAsync(client, token, "/api/v1/chips/expiry:1/attestations",
            new { facilityId = "fac-expiry", method = "rtt", occurredAt = at.ToDateTimeOffset(), nonce, keyId = "k1", signature }));
    }

    private static async Task<string> NonceAsync(HttpClient client, string token)
    {
        var response = await SendAsync(client, token, "/api/v1/attestation-nonces", null);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("nonce").GetString()!;
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string token, string path, object? body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: ApiFixture.Json);
        }
        return await client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>The system clock plus an offset the test moves.</summary>
    private sealed class ShiftedClock : IClock
    {
        private long offsetTicks;

        public void Advance(Duration by) => Interlocked.Add(ref offsetTicks, by.BclCompatibleTicks);

        public Instant GetCurrentInstant() => SystemClock.Instance.GetCurrentInstant() + Duration.FromTicks(Interlocked.Read(ref offsetTicks));
    }
}
