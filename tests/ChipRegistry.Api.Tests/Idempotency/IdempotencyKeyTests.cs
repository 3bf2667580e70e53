using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ChipRegistry.Api.Keys;
using ChipRegistry.Domain.Organisations;
using Npgsql;

namespace ChipRegistry.Api.Tests.Idempotency;

public sealed class IdempotencyKeyTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task a_retry_under_the_same_key_replays_the_first_response_and_changes_nothing()
    {
        var key = Guid.NewGuid().ToString();
        await host.RegisterOrganisationAsync("idem-org-1", OrganisationKind.Operator);
        var body = new IssueKeyRequest("idem-org-1", "operator", "first");

        var first = await Post(key, body);
        var eventsAfterFirst = await EventCount();
        var retry = await Post(key, body);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), await retry.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(eventsAfterFirst, await EventCount());
    }

    [Fact]
    public async Task the_same_key_with_a_different_request_is_422_idempotency_key_reused()
    {
        var key = Guid.NewGuid().ToString();
        await host.RegisterOrganisationAsync("idem-org-2", OrganisationKind.Operator);
        Assert.Equal(HttpStatusCode.Created, (await Post(key, new IssueKeyRequest("idem-org-2", "operator", "a"))).StatusCode);
        var before = await EventCount();

        var reused = await Post(key, new IssueKeyRequest("idem-org-2", "operator", "b"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.StatusCode);
        using var problem = JsonDocument.Parse(await reused.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("idempotency_key_reused", problem.RootElement.GetProperty("code").GetString());
        Assert.Equal(before, await EventCount());
    }

    [Fact]
    public async Task a_rejected_request_keeps_nothing_so_the_key_can_carry_a_corrected_request()
    {
        var key = Guid.NewGuid().ToString();
        await host.RegisterOrganisationAsync("idem-org-3", OrganisationKind.Operator);

        var rejected = await Post(key, new IssueKeyRequest("idem-org-3", "emperor", "x"));
        var corrected = await Post(key, new IssueKeyRequest("idem-org-3", "operator", "x"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, rejected.StatusCode);
        Assert.Equal(HttpStatusCode.Created, corrected.StatusCode);
    }

    [Fact]
    public async Task concurrent_duplicates_append_once_and_all_get_the_same_response()
    {
        var key = Guid.NewGuid().ToString();
        await host.RegisterOrganisationAsync("idem-org-4", OrganisationKind.Operator);
        var body = new IssueKeyRequest("idem-org-4", "operator", "burst");
        var before = await EventCount();

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Post(key, body)));

        var bodies = await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        Assert.Single(bodies.Distinct());
        Assert.Equal(before + 1, await EventCount());
    }

    private async Task<HttpResponseMessage> Post(string idempotencyKey, IssueKeyRequest body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/admin/keys") { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiFixture.AdminKey);
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await host.Client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    private async Task<long> EventCount()
    {
        await using var connection = await host.Database.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand("select count(*) from chipregistry.events", connection);
        return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }
}
