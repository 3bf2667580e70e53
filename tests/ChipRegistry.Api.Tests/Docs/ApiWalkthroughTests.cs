using System.Text;
using System.Text.Json;

namespace ChipRegistry.Api.Tests.Docs;

/// <summary>
/// docs/api.md walks a chip's life end to end as curl commands, one group of users after another. This replays
/// every command, in order, against a test host and checks each answer's status against the one the text gives,
/// so the documentation cannot promise what the API does not do.
/// </summary>
public sealed class ApiWalkthroughTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    public const string Section = "A chip's life, end to end";

    [Fact]
    public async Task every_request_of_the_api_walkthrough_answers_the_status_the_text_gives()
    {
        var markdown = await File.ReadAllTextAsync(Hosting.ComposeService.RepositoryFile(Path.Combine("docs", "api.md")), TestContext.Current.CancellationToken);
        var variables = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["REGISTRY"] = "http://127.0.0.1:5080",
            ["ADMIN_KEY"] = ApiFixture.AdminKey,
        };
        var replayed = 0;
        foreach (var (line, command, expected) in CurlWalkthrough.Commands(markdown, Section))
        {
            if (CurlWalkthrough.Parse(line, command, expected, variables) is not { } step)
            {
                continue;
            }
            Assert.True(step.ExpectedStatus is not null || step.ExportName is not null, $"docs/api.md line {line}: a curl without '# … → <status>' before it");
            var response = await SendAsync(step);
            var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            var status = (int)response.StatusCode;
            TestContext.Current.TestOutputHelper?.WriteLine($"line {line}: {step.Method} {step.Url} -> {status} {body}");
            if (step.ExpectedStatus is { } want)
            {
                Assert.True(status == want, $"docs/api.md line {line}: {step.Method} {step.Url} answered {status}, the text says {want}: {body}");
            }
            else
            {
                Assert.True(status is >= 200 and < 300, $"docs/api.md line {line}: {step.Method} {step.Url} answered {status}: {body}");
            }
            if (step.ExportName is { } name)
            {
                using var json = JsonDocument.Parse(body);
                var value = step.ExportPath!.Split('.').Aggregate(json.RootElement, (e, p) => int.TryParse(p, out var i) ? e[i] : e.GetProperty(p));
                variables[name] = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
            }
            replayed++;
        }
        Assert.True(replayed >= 20, $"the walkthrough replays only {replayed} requests");
    }

    private async Task<HttpResponseMessage> SendAsync(CurlStep step)
    {
        var uri = new Uri(step.Url);
        using var request = new HttpRequestMessage(new HttpMethod(step.Method), uri.PathAndQuery);
        string? contentType = null;
        foreach (var (name, value) in step.Headers)
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                contentType = value;
            }
            else
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }
        if (step.Body is not null)
        {
            request.Content = new StringContent(step.Body, Encoding.UTF8);
            // curl -d sends this type unless told otherwise; the API answers it with 415, as it should.
            request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType ?? "application/x-www-form-urlencoded");
        }
        return await host.Client.SendAsync(request, TestContext.Current.CancellationToken);
    }
}
