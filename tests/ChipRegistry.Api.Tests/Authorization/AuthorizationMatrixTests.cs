using System.Net;
using System.Text.Json;
using ChipRegistry.Api.Keys;
using ChipRegistry.Api.OpenApi;

namespace ChipRegistry.Api.Tests.Authorization;

public sealed class AuthorizationMatrixTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    [Fact]
    public void every_api_endpoint_has_a_row_in_the_authorization_table_and_every_row_an_endpoint()
    {
        var table = AuthorizationTable.Read();
        var endpoints = ApiEndpoints.All(host.Services).Select(e => $"{e.Method} {e.Path}").ToList();

        Assert.Empty(endpoints.Except(table.Keys));
        Assert.Empty(table.Keys.Except(endpoints));
        Assert.All(table.Values, row => Assert.Equal(KeyEndpoints.Roles.Order(), row.Keys.Order()));
    }

    [Fact]
    public async Task every_role_gets_the_status_the_table_gives_on_every_endpoint_with_and_without_the_relation()
    {
        var table = AuthorizationTable.Read();
        var arrangements = Arrangements();
        var mismatches = new List<string>();
        var refusals = new List<Refusal>();
        foreach (var role in KeyEndpoints.Roles.Order())
        {
            var caller = await CallerAsync(role);
            foreach (var (method, path, endpoint) in ApiEndpoints.All(host.Services))
            {
                var name = $"{method} {path}";
                var cell = table[name][role];
                var example = endpoint.Metadata.GetMetadata<RequestExample>()?.Value;
                arrangements.TryGetValue(name, out var arrangement);
                if (cell == RelationCell && arrangement is null)
                {
                    mismatches.Add($"{name}: the table gives a relation cell but no IMatrixArrangement arranges it");
                    continue;
                }
                // Where an arrangement exists every cell runs both ways: a 403 holds even with the relation, and a plain
                // 2xx (an agency's, say) holds even without it.
                var variants = cell == RelationCell ? [(true, "2xx"), (false, "404")]
                    : arrangement is not null ? [(true, cell), (false, cell)]
                    : new[] { (true, cell) };
                foreach (var (related, expected) in variants)
                {
                    var call = arrangement is not null ? await arrangement.ArrangeAsync(name, caller, related) : new ArrangedCall(await Substitute(path), example);
                    var response = await host.SendAsync(new HttpMethod(method), call.Path, caller.Token, call.Body, call.Headers);
                    if ((int)response.StatusCode is >= 400 and < 500)
                    {
                        var request = call.Path + " " + (call.Body is null ? "" : JsonSerializer.Serialize(call.Body, call.Body.GetType(), ApiFixture.Json));
                        refusals.Add(new Refusal($"{role} {name}{(related ? "" : " without the relation")}", caller.OrganisationId, request,
                            await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)));
                    }
                    if (!Matches(expected, response.StatusCode))
                    {
                        var why = (int)response.StatusCode >= 400 ? $" ({await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)})" : "";
                        mismatches.Add($"{role} {name}{(arrangement is null ? "" : related ? " with the relation" : " without it")}: expected {expected}, got {(int)response.StatusCode}{why}");
                    }
                }
            }
        }

        Assert.Empty(mismatches);
        Assert.NotEmpty(refusals);
        Assert.Empty(await OrganisationLeaks.FindAsync(host, refusals));
    }

    private const string RelationCell = "2xx/404";

    /// <summary>Each role acts as a registered organisation of its kind (admin as the registry itself).</summary>
    private async Task<MatrixCaller> CallerAsync(string role)
    {
        if (role == ApiKeys.AdminRole)
        {
            return new MatrixCaller(role, ChipRegistry.Domain.Organisations.BuiltInOrganisations.RegistryId, ApiFixture.AdminKey);
        }
        Assert.True(ChipRegistry.Api.Callers.Callers.TryKindOf(role, out var kind));
        var organisation = $"matrix-{role}";
        var key = await host.OrganisationKeyAsync(organisation, kind);
        return new MatrixCaller(role, organisation, key.Token);
    }

    private Dictionary<string, IMatrixArrangement> Arrangements()
    {
        var found = new Dictionary<string, IMatrixArrangement>(StringComparer.Ordinal);
        foreach (var type in typeof(IMatrixArrangement).Assembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IMatrixArrangement).IsAssignableFrom(t)))
        {
            var arrangement = (IMatrixArrangement)Activator.CreateInstance(type, host)!;
            foreach (var endpoint in arrangement.Endpoints)
            {
                Assert.True(found.TryAdd(endpoint, arrangement), $"{endpoint} is arranged twice");
            }
        }
        return found;
    }

    [Fact]
    public async Task without_a_key_every_api_endpoint_answers_401()
    {
        foreach (var (method, path, endpoint) in ApiEndpoints.All(host.Services))
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
            var target = await host.OrganisationKeyAsync("matrix-target", ChipRegistry.Domain.Organisations.OrganisationKind.Operator);
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
