using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ChipRegistry.Api.Keys;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ChipRegistry.Api.Tests.Keys;

public sealed class KeyEndpointTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    private const string BootstrapKey = ApiFixture.AdminKey;

    [Fact]
    public async Task the_bootstrap_admin_issues_lists_and_revokes_keys_and_only_hashes_are_stored()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var (database, client) = (host.Database, host.Client);
        await host.RegisterOrganisationAsync("op-1", OrganisationKind.Operator);

        var issued = await Send(client, HttpMethod.Post, "/api/v1/admin/keys", BootstrapKey, new { organisationId = "op-1", role = "operator", label = "ops team" });
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        var key = (await issued.Content.ReadFromJsonAsync<IssuedKeyResponse>(cancellationToken))!;
        Assert.Equal("op-1", key.OrganisationId);

        var listed = await Send(client, HttpMethod.Get, "/api/v1/admin/keys?organisationId=op-1", BootstrapKey);
        var listing = await listed.Content.ReadAsStringAsync(cancellationToken);
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        Assert.Contains(key.KeyId, listing, StringComparison.Ordinal);
        Assert.DoesNotContain(key.Token, listing, StringComparison.Ordinal);
        Assert.DoesNotContain(ApiKeyToken.Hash(key.Token), listing, StringComparison.Ordinal);

        var forbidden = await Send(client, HttpMethod.Get, "/api/v1/admin/keys", key.Token);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal("forbidden", await Code(forbidden));

        Assert.Equal(0L, await Scalar(database, $"select count(*) from chipregistry.events where data::text like '%{key.Token}%' or data::text like '%{BootstrapKey}%'"));
        Assert.Equal(1L, await Scalar(database, $"select count(*) from chipregistry.api_keys where secret_hash = '{ApiKeyToken.Hash(key.Token)}'"));

        var revoked = await Send(client, HttpMethod.Post, $"/api/v1/admin/keys/{key.KeyId}/revoke", BootstrapKey, new { reason = "laptop lost" });
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        var afterRevocation = await Send(client, HttpMethod.Get, "/api/v1/admin/keys", key.Token);
        Assert.Equal(HttpStatusCode.Unauthorized, afterRevocation.StatusCode);
        Assert.Equal("unauthenticated", await Code(afterRevocation));
    }

    [Fact]
    public async Task the_key_listing_pages_by_cursor_through_every_key_once_and_refuses_a_cursor_it_never_gave()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await host.RegisterOrganisationAsync("pager-1", OrganisationKind.Distributor);
        var issued = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            issued.Add((await host.IssueKeyAsync("pager-1", "distributor")).KeyId);
        }

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var response = await Send(host.Client, HttpMethod.Get, $"/api/v1/admin/keys?organisationId=pager-1&limit=2{(cursor is null ? "" : $"&cursor={cursor}")}", BootstrapKey);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var page = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            seen.AddRange(page.RootElement.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("keyId").GetString()!));
            cursor = page.RootElement.GetProperty("next").GetString();
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(issued, seen);
        Assert.Equal(3, pages);
        Assert.Equal("invalid_cursor", await Code(await Send(host.Client, HttpMethod.Get, "/api/v1/admin/keys?cursor=no-such-key", BootstrapKey)));
        Assert.Equal("invalid_limit", await Code(await Send(host.Client, HttpMethod.Get, "/api/v1/admin/keys?limit=0", BootstrapKey)));
    }

    [Fact]
    public async Task without_a_key_admin_endpoints_answer_401_with_a_bearer_challenge()
    {
        await using var database = await TestDatabase.CreateAsync(TestContext.Current.CancellationToken);
        await using var api = await ApiHosts.ForDatabaseAsync(database.ConnectionString);
        using var client = api.Server.CreateClient();
        await Readiness.WaitUntilReadyAsync(client);

        var response = await client.GetAsync(new Uri("/api/v1/admin/keys", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal("unauthenticated", await Code(response));
    }

    [Fact]
    public async Task a_first_start_without_a_configured_key_generates_exactly_one_admin_key()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var database = await TestDatabase.CreateAsync(cancellationToken);
        await using var api = await ApiHosts.ForDatabaseAsync(database.ConnectionString);
        using var client = api.Server.CreateClient();
        await Readiness.WaitUntilReadyAsync(client);
        var keys = api.Services.GetRequiredService<ApiKeys>();

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await keys.AnyActiveKeyAsync(BuiltInOrganisations.RegistryId, ApiKeys.AdminRole, cancellationToken) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, cancellationToken);
        }

        var admins = (await keys.ListAsync(BuiltInOrganisations.RegistryId, afterKeyId: null, limit: 100, cancellationToken))!.Value.Keys.Where(k => k.Role == ApiKeys.AdminRole).ToList();
        Assert.Single(admins);
    }

    [Fact]
    public async Task an_unknown_role_is_rejected_with_its_code_and_nothing_is_issued()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var (database, client) = (host.Database, host.Client);
        var before = await Scalar(database, "select count(*) from chipregistry.events");

        var response = await Send(client, HttpMethod.Post, "/api/v1/admin/keys", BootstrapKey, new { organisationId = "op-1", role = "emperor", label = "x" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("unknown_role", await Code(response));
        Assert.Equal(before, await Scalar(database, "select count(*) from chipregistry.events"));
    }

    private static async Task<HttpResponseMessage> Send(HttpClient client, HttpMethod method, string path, string key, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }
        return await client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    private static async Task<string?> Code(HttpResponseMessage response)
    {
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return problem.RootElement.GetProperty("code").GetString();
    }

    private static async Task<long> Scalar(TestDatabase database, string sql)
    {
        await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }
}
