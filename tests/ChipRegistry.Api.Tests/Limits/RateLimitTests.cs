using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace ChipRegistry.Api.Tests.Limits;

public sealed class RateLimitTests
{
    [Fact]
    public async Task a_key_past_its_burst_gets_429_with_retry_after_and_other_keys_and_probes_are_unaffected()
    {
        await using var api = await ApiHosts.StartAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings:Registry"] = "Host=/nonexistent;Username=postgres",
            ["Registry:RateLimit:PermitsPerSecond"] = "1",
            ["Registry:RateLimit:Burst"] = "2",
        });
        using var client = api.Server.CreateClient();
        var cancellationToken = TestContext.Current.CancellationToken;

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? rejected = null;
        for (var i = 0; i < 3; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/anything");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "key-a");
            var response = await client.SendAsync(request, cancellationToken);
            statuses.Add(response.StatusCode);
            rejected = response;
        }

        Assert.NotEqual(HttpStatusCode.TooManyRequests, statuses[0]);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, statuses[1]);
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[2]);
        Assert.True(int.Parse(rejected!.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        using var problem = JsonDocument.Parse(await rejected.Content.ReadAsStringAsync(cancellationToken));
        Assert.Equal("rate_limited", problem.RootElement.GetProperty("code").GetString());

        using var otherKey = new HttpRequestMessage(HttpMethod.Get, "/api/v1/anything");
        otherKey.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "key-b");
        Assert.NotEqual(HttpStatusCode.TooManyRequests, (await client.SendAsync(otherKey, cancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/health", UriKind.Relative), cancellationToken)).StatusCode);
    }
}
