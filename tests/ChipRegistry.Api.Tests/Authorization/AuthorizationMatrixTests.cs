using System.Net;
using ChipRegistry.Api.Keys;
using ChipRegistry.Api.OpenApi;

namespace ChipRegistry.Api.Tests.Authorization;

public sealed class AuthorizationMatrixTests(RegistryApiHost host) : IClassFixture<RegistryApiHost>
{
    [Fact]
    public void every_api_endpoint_has_a_row_in_the_authorization_table_and_every_row_an_endpoint()
    {
        var table = AuthorizationTable.Read();
        var endpoints = ApiEndpoints.All(host.Factory.Services).Select(e => $"{e.Method} {e.Path}").ToList();

        Assert.Empty(endpoints.Except(table.Keys));
        Assert.Empty(table.Keys.Except(endpoints));
        Assert.All(table.Values, row => Assert.Equal(KeyEndpoints.Roles.Order(), row.Keys.Order()));
    }

    [Fact]
    public async Task every_role_gets_the_status_the_table_gives_on_every_endpoint()
    {
        var table = AuthorizationTable.Read();
        var mismatches = new List<string>();
        foreach (var role in KeyEndpoints.Roles.Order())
        {
            var caller = await host.IssueKeyAsync($"matrix-{role}", role);
            foreach (var (method, path, endpoint) in ApiEndpoints.All(host.Factory.Services))
            {
                var expected = table[$"{method} {path}"][role];
                var concrete = await Substitute(path);
                var response = await host.SendAsync(new HttpMethod(method), concrete, caller.Token, endpoint.Metadata.GetMetadata<RequestExample>()?.Value);
                if (!Matches(expected, response.StatusCode))
                {
                    mismatches.Add($"{role} {method} {path}: expected {expected}, got {(int)response.StatusCode}");
                }
            }
        }

        Assert.Empty(mismatches);
    }

    [Fact]
    public async Task without_a_key_every_api_endpoint_answers_401()
    {
        foreach (var (method, path, endpoint) in ApiEndpoints.All(host.Factory.Services))
        {
            var response = await host.SendAsync(new HttpMethod(method), await Substitute(path), key: null, endpoint.Metadata.GetMetadata<RequestExample>()?.Value);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path} answered {(int)response.StatusCode}");
        }
    }

    /// <summary>Route parameters get real values: a fresh key for {keyId}, so a revoke in one cell cannot disturb another.</summary>
    private async Task<string> Substitute(string path)
    {
        if (path.Contains("{keyId}", StringComparison.Ordinal))
        {
            var target = await host.IssueKeyAsync("matrix-target", "operator");
            path = path.Replace("{keyId}", target.KeyId, StringComparison.Ordinal);
        }
        return path.Replace("{modelId}", "nvidia-h100-sxm", StringComparison.Ordinal);
    }

    private static bool Matches(string expected, HttpStatusCode actual) => expected switch
    {
        "2xx" => (int)actual is >= 200 and < 300,
        "403" => actual == HttpStatusCode.Forbidden,
        "404" => actual == HttpStatusCode.NotFound,
        _ => throw new InvalidOperationException($"Unknown cell '{expected}' in docs/authorization.md"),
    };
}
