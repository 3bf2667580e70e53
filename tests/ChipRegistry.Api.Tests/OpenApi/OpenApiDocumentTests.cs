using System.Text.Json;
using Alba;
using ChipRegistry.Api.OpenApi;

namespace ChipRegistry.Api.Tests.OpenApi;

public sealed class OpenApiDocumentTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task every_api_endpoint_has_an_operation_an_example_and_problem_responses()
    {
        var result = await host.Host.Scenario(s =>
        {
            s.Get.Url("/openapi/v1.json");
            s.StatusCodeShouldBeSuccess();
        });
        using var document = JsonDocument.Parse(await result.ReadAsTextAsync());
        var paths = document.RootElement.GetProperty("paths");

        var endpoints = ApiEndpoints.All(host.Services);
        Assert.NotEmpty(endpoints);
        var missing = new List<string>();
        foreach (var (method, path, endpoint) in endpoints)
        {
            var name = $"{method} {path}";
            if (!paths.TryGetProperty(path, out var item) || !item.TryGetProperty(method.ToLowerInvariant(), out var operation))
            {
                missing.Add($"{name}: no operation");
                continue;
            }
            var responses = operation.GetProperty("responses").EnumerateObject().ToList();
            if (!responses.Any(r => r.Name.StartsWith('4') && r.Value.TryGetProperty("content", out var content) && content.TryGetProperty("application/problem+json", out _)))
            {
                missing.Add($"{name}: no problem responses");
            }
            var hasExample = endpoint.Metadata.GetMetadata<RequestExample>() is not null || endpoint.Metadata.GetMetadata<ResponseExample>() is not null;
            var documentedExample = operation.ToString().Contains("\"example\"", StringComparison.Ordinal);
            if (!hasExample || !documentedExample)
            {
                missing.Add($"{name}: no example");
            }
        }

        Assert.Empty(missing);
    }
}
