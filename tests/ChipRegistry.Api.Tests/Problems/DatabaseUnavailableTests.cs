using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;

namespace ChipRegistry.Api.Tests.Problems;

/// <summary>A registry whose PostgreSQL cannot be reached answers 503 <c>database_unavailable</c> with Retry-After, never a 500.</summary>
public sealed class DatabaseUnavailableTests
{
    public static TheoryData<string, string, string?> Requests() => new()
    {
        { "GET", "/api/v1/chips/nvidia:1", null },
        { "GET", "/api/v1/organisations", null },
        { "POST", "/api/v1/chips/nvidia:1/removals", """{"reason":"r"}""" },
        { "POST", "/api/v1/lots", """{"lotId":"l","modelId":"m","country":"TW","serials":["nvidia:1"]}""" },
        { "POST", "/api/v1/admin/keys", """{"organisationId":"op-1","role":"operator","label":"l"}""" },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task a_request_while_nothing_listens_on_the_database_port_is_503_database_unavailable_with_retry_after(string method, string path, string? body)
    {
        await using var api = await ApiHosts.ForDatabaseAsync($"Host=127.0.0.1;Port={FreePort()};Username=postgres;Password=x;Database=postgres;Timeout=2");
        using var client = api.Server.CreateClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "crk_some-key-the-registry-would-look-up");
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("database_unavailable", await ApiFixture.ProblemCodeAsync(response));
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
