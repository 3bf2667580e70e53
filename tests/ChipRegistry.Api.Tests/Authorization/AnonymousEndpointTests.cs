using System.Net;

namespace ChipRegistry.Api.Tests.Authorization;

/// <summary>docs/authorization.md, "Outside /api/v1": every path listed as anonymous answers without a key.</summary>
public sealed class AnonymousEndpointTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task every_path_outside_the_api_that_the_table_calls_anonymous_answers_without_a_key()
    {
        var table = AuthorizationTable.ReadOutsideApi();
        Assert.Contains("GET /scalar", table.Keys);
        var refused = new List<string>();
        foreach (var (endpoint, who) in table)
        {
            Assert.Equal("anonymous", who);
            var (method, path) = (endpoint.Split(' ')[0], endpoint.Split(' ')[1]);
            var response = method == "GET" ? await host.BrowseAsync(path) : await host.SendAsync(new HttpMethod(method), path, key: null);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                refused.Add($"{endpoint}: {(int)response.StatusCode}");
            }
        }

        Assert.Empty(refused);
    }
}
