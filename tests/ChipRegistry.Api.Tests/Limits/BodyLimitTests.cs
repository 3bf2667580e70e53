using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using ChipRegistry.Api.Keys;
using ChipRegistry.Api.Limits;
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

    [Fact]
    public async Task on_kestrel_a_chunked_lot_body_just_over_32_mib_is_413_payload_too_large_and_nothing_is_written()
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
        // The seeded catalog's H100 is nvidia's: the header passes, and the serials stream into the bulk path.
        await http.PostAsync(new Uri("/api/v1/organisations", UriKind.Relative), new StringContent(
            """{"organisationId":"nvidia","name":"NVIDIA","kind":"manufacturer","country":"US","foundedOn":"1993-04-05"}""", Encoding.UTF8, "application/json"), cancellationToken);
        var issued = await http.PostAsync(new Uri("/api/v1/admin/keys", UriKind.Relative), new StringContent(
            """{"organisationId":"nvidia","role":"manufacturer","label":"fab"}""", Encoding.UTF8, "application/json"), cancellationToken);
        var issuedText = await issued.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(issued.IsSuccessStatusCode, issuedText);
        using var key = JsonDocument.Parse(issuedText);
        using var manufacturer = new HttpClient { BaseAddress = http.BaseAddress };
        manufacturer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key.RootElement.GetProperty("token").GetString());
        var eventsBefore = await CountEventsAsync(cancellationToken);
        // 10,000 serials, each followed by whitespace, to just over the limit: the client has sent the whole body before
        // the answer comes (a client still writing when the server answers and closes sees a broken pipe, not the
        // answer), and every gap between tokens is short. A declared length is refused before any byte is read,
        // in-process and here alike (ChipWriteBadInputTests).
        const int serials = 10_000;
        var header = """{"lotId":"lot-big","modelId":"nvidia-h100-sxm","country":"TW","serials":[""";
        var gap = (int)((BodySizeLimits.Largest - header.Length) / serials) + 1 - "\"nvidia:big-000000\",".Length;
        var body = new StringBuilder(header, (int)BodySizeLimits.Largest + 16_384);
        for (var i = 0; i < serials; i++)
        {
            body.Append($"\"nvidia:big-{i:D6}\"").Append(i < serials - 1 ? "," : "").Append(' ', gap);
        }
        var oversized = Encoding.UTF8.GetBytes(body.Append("]}").ToString());
        Assert.InRange(oversized.Length, BodySizeLimits.Largest + 1, BodySizeLimits.Largest + 16_384);

        using var chunkedContent = new StreamContent(new MemoryStream(oversized));
        chunkedContent.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var chunkedRequest = new HttpRequestMessage(HttpMethod.Post, "/api/v1/lots") { Content = chunkedContent };
        chunkedRequest.Headers.TransferEncodingChunked = true;
        var chunked = await manufacturer.SendAsync(chunkedRequest, cancellationToken);

        var text = await chunked.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(chunked.StatusCode == HttpStatusCode.RequestEntityTooLarge, $"{chunked.StatusCode}: {text}");
        using (var problem = JsonDocument.Parse(text))
        {
            Assert.Equal("payload_too_large", problem.RootElement.GetProperty("code").GetString());
        }
        Assert.Equal(eventsBefore, await CountEventsAsync(cancellationToken));
    }

    private async Task<long> CountEventsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await fixture.Database.OpenAsync(cancellationToken);
        await using var command = new Npgsql.NpgsqlCommand("select count(*) from chipregistry.events", connection);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
