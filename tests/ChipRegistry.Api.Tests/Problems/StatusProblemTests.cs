using System.Net;
using System.Text.Json;

namespace ChipRegistry.Api.Tests.Problems;

/// <summary>Answers the framework gives before any endpoint runs are problem documents with a stable code too.</summary>
public sealed class StatusProblemTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    private static async Task<(int Status, string? MediaType, string? Code)> ProblemAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        using var document = JsonDocument.Parse(body);
        var code = document.RootElement.TryGetProperty("code", out var value) ? value.GetString() : null;
        Assert.Equal($"urn:chipregistry:problem:{code}", document.RootElement.GetProperty("type").GetString());
        return ((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, code);
    }

    [Fact]
    public async Task an_unknown_route_is_a_404_problem_with_its_code()
    {
        var admin = ApiFixture.AdminKey;
        var response = await host.SendAsync(HttpMethod.Get, "/api/v1/no-such-thing", admin);

        Assert.Equal((404, "application/problem+json", "route_not_found"), await ProblemAsync(response));
    }

    [Fact]
    public async Task a_method_the_route_does_not_take_is_a_405_problem_with_its_code()
    {
        var admin = ApiFixture.AdminKey;
        var response = await host.SendAsync(HttpMethod.Delete, "/api/v1/organisations", admin);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal((405, "application/problem+json", "method_not_allowed"), await ProblemAsync(response));
    }
}
