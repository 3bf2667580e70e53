using System.Text;
using System.Text.Json;

namespace ChipRegistry.Api.Tests.Docs;

/// <summary>
/// docs/api.md walks a chip's life end to end as curl commands, one group of users after another. This replays
/// every command, in order, against a test host and checks each answer's status against the one the text gives,
/// so the documentation cannot promise what the API does not do. Every answer is also searched for times: each must
/// be in the one format out (docs/api.md, "Times"), and no time field may be an object.
/// </summary>
public sealed class ApiWalkthroughTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    public const string Section = "A chip's life, end to end";

    [Fact]
    public async Task every_request_of_the_api_walkthrough_answers_the_status_the_text_gives_with_every_time_in_the_one_format()
    {
        var markdown = await File.ReadAllTextAsync(Hosting.ComposeService.RepositoryFile(Path.Combine("docs", "api.md")), TestContext.Current.CancellationToken);
        var variables = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["REGISTRY"] = "http://127.0.0.1:5080",
            ["ADMIN_KEY"] = ApiFixture.AdminKey,
        };
        var replayed = 0;
        var times = new List<string>();
        var timeViolations = new List<string>();
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
            if (IsJson(response))
            {
                using var answer = JsonDocument.Parse(body);
                times.AddRange(TimeStrings(answer.RootElement));
                timeViolations.AddRange(TimeValues.Violations(answer.RootElement).Select(v => $"docs/api.md line {line}: {step.Method} {step.Url}: {v}"));
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
        Assert.Empty(timeViolations);
        // The walk must actually meet the kinds of time it promises: recorded times with a fraction, and whole seconds.
        Assert.Contains(times, t => t.Contains('.', StringComparison.Ordinal));
        Assert.Contains(times, t => !t.Contains('.', StringComparison.Ordinal));
        Assert.True(times.Count >= 50, $"the walkthrough's answers hold only {times.Count} times");
    }

    private static bool IsJson(HttpResponseMessage response) =>
        response.Content.Headers.ContentType?.MediaType is { } type && (type == "application/json" || type.EndsWith("+json", StringComparison.Ordinal));

    /// <summary>Every string value that is a date-time, wherever it sits.</summary>
    private static IEnumerable<string> TimeStrings(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => TimeStrings(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(TimeStrings),
        JsonValueKind.String when element.GetString() is { Length: >= 20 } s && char.IsAsciiDigit(s[0]) && s[10] == 'T' => [s],
        _ => [],
    };

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
