using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using ChipRegistry.Api.Keys;
using ChipRegistry.Testing;

namespace ChipRegistry.Api.Tests.Limits;

/// <summary>The app's own body limit, checked on a real Kestrel host (the in-process test server enforces none).</summary>
public sealed class BodyLimitTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private const string AdminKey = "body-limit-bootstrap-admin-key-0123456789";

    [Fact]
    public async Task on_kestrel_a_body_over_one_mebibyte_is_413_with_or_without_content_length_and_nothing_is_written()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var port = FreePort();
        await using var factory = KestrelApi.Start(new Dictionary<string, string>
        {
            ["ConnectionStrings:Registry"] = fixture.Database.ConnectionString,
            [BootstrapAdminKey.Variable] = AdminKey,
            ["urls"] = $"http://127.0.0.1:{port}",
        });
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        await Readiness.WaitUntilReadyAsync(http);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await http.GetAsync(new Uri("/api/v1/admin/keys", UriKind.Relative), cancellationToken)).StatusCode != HttpStatusCode.OK)
        {
            Assert.True(DateTime.UtcNow < deadline, "bootstrap key never issued");
            await Task.Delay(50, cancellationToken);
        }
        var oversized = JsonSerializer.Serialize(new { organisationId = "op-1", role = "operator", label = new string('x', 1024 * 1024 + 10) });

        var declared = await http.PostAsync(new Uri("/api/v1/admin/keys", UriKind.Relative), new StringContent(oversized, Encoding.UTF8, "application/json"), cancellationToken);
        using var chunkedContent = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(oversized)));
        chunkedContent.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var chunkedRequest = new HttpRequestMessage(HttpMethod.Post, "/api/v1/admin/keys") { Content = chunkedContent };
        chunkedRequest.Headers.TransferEncodingChunked = true;
        var chunked = await http.SendAsync(chunkedRequest, cancellationToken);

        foreach (var response in new[] { declared, chunked })
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            Assert.Equal("payload_too_large", problem.RootElement.GetProperty("code").GetString());
        }
        var listed = await http.GetStringAsync(new Uri("/api/v1/admin/keys?organisationId=op-1", UriKind.Relative), cancellationToken);
        using (var page = JsonDocument.Parse(listed))
        {
            Assert.Equal(0, page.RootElement.GetProperty("keys").GetArrayLength());
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
