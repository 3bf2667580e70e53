using System.Net;
using System.Text.Json;
using ChipRegistry.Domain.Organisations;

namespace ChipRegistry.Api.Tests.Facilities;

public sealed class FacilityEndpointTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    private readonly RegistryWorld world = new(host);

    [Fact]
    public async Task an_operator_registers_a_facility_adds_clusters_and_declares_power_and_agencies_read_it()
    {
        var op = await host.OrganisationKeyAsync("op-memphis", OrganisationKind.Operator);
        var agency = await host.OrganisationKeyAsync("agency-sites", OrganisationKind.Agency);

        var registered = await host.SendAsync(HttpMethod.Post, "/api/v1/facilities", op.Token,
            new { facilityId = "memphis-1", name = "Memphis One", country = "US", latitude = 35.0613m, longitude = -90.1543m, declaredPowerMw = 150m });
        var hallA = await host.SendAsync(HttpMethod.Post, "/api/v1/facilities/memphis-1/clusters", op.Token, new { clusterId = "hall-a", name = "Hall A" });
        var hallB = await host.SendAsync(HttpMethod.Post, "/api/v1/facilities/memphis-1/clusters", op.Token, new { clusterId = "hall-b", name = "Hall B" });
        var power = await host.SendAsync(HttpMethod.Post, "/api/v1/facilities/memphis-1/power", op.Token, new { declaredPowerMw = 300m });

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.OK], new[] { registered.StatusCode, hallA.StatusCode, hallB.StatusCode, power.StatusCode });
        foreach (var reader in new[] { op.Token, agency.Token, ApiFixture.AdminKey })
        {
            using var facility = await host.GetJsonAsync(reader, "/api/v1/facilities/memphis-1");
            Assert.Equal("op-memphis", facility.RootElement.GetProperty("operatorId").GetString());
            Assert.Equal(300m, facility.RootElement.GetProperty("declaredPowerMw").GetDecimal());
            Assert.Equal(["hall-a", "hall-b"], facility.RootElement.GetProperty("clusters").EnumerateArray().Select(c => c.GetProperty("clusterId").GetString()));
        }
    }

    [Fact]
    public async Task another_operator_gets_the_answer_an_unknown_facility_gets_and_changes_nothing()
    {
        var owner = await host.OrganisationKeyAsync("op-owner", OrganisationKind.Operator);
        var rival = await host.OrganisationKeyAsync("op-rival", OrganisationKind.Operator);
        await world.PostAsync(new Authorization.MatrixCaller("operator", "op-owner", owner.Token), "/api/v1/facilities",
            new { facilityId = "owned-site", name = "Owned", country = "US", latitude = 1m, longitude = 2m, declaredPowerMw = 10m });
        var before = await world.EventCountAsync();

        foreach (var (method, suffix, body) in new (HttpMethod, string, object?)[]
        {
            (HttpMethod.Get, "", null),
            (HttpMethod.Post, "/power", new { declaredPowerMw = 999m }),
            (HttpMethod.Post, "/clusters", new { clusterId = "spy", name = "Spy" }),
        })
        {
            var hidden = await host.SendAsync(method, $"/api/v1/facilities/owned-site{suffix}", rival.Token, body);
            var unknown = await host.SendAsync(method, $"/api/v1/facilities/owned-site-x{suffix}", rival.Token, body);
            Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
            Assert.Equal("facility_not_registered", await ApiFixture.ProblemCodeAsync(hidden));
            Assert.Equal(await Shape(unknown, "owned-site-x"), await Shape(hidden, "owned-site"));
        }
        Assert.Equal(before, await world.EventCountAsync());
    }

    [Fact]
    public async Task installing_a_chip_at_a_facility_another_operator_runs_answers_as_an_unknown_facility_and_names_nobody()
    {
        var rival = await host.OrganisationKeyAsync("op-install-rival", OrganisationKind.Operator);
        var arrange = new Chips.ChipArranger(host);
        var site = await arrange.FacilityOfAsync(new ChipRegistry.Domain.Common.Actor("op-install-owner", OrganisationKind.Operator));
        var chipId = await arrange.InCustodyOfAsync(new ChipRegistry.Domain.Common.Actor("op-install-rival", OrganisationKind.Operator));
        var before = await world.EventCountAsync();

        var hidden = await host.SendAsync(HttpMethod.Post, $"/api/v1/chips/{chipId}/installations", rival.Token, new { facilityId = site.Id, clusterId = "c1", rack = "r1" });
        var unknown = await host.SendAsync(HttpMethod.Post, $"/api/v1/chips/{chipId}/installations", rival.Token, new { facilityId = site.Id + "x", clusterId = "c1", rack = "r1" });

        Assert.Equal((HttpStatusCode.UnprocessableEntity, "unknown_facility"), (hidden.StatusCode, await ApiFixture.ProblemCodeAsync(hidden)));
        Assert.Equal(await Shape(unknown, site.Id + "x"), await Shape(hidden, site.Id));
        Assert.DoesNotContain("op-install-owner", await hidden.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(before, await world.EventCountAsync());
    }

    [Theory]
    [InlineData("{\"facilityId\":\"bad-site\",\"name\":\"n\",\"country\":\"US\",\"latitude\":91,\"longitude\":0,\"declaredPowerMw\":1}", "invalid_coordinates", 422)]
    [InlineData("{\"facilityId\":\"bad-site\",\"name\":\"n\",\"country\":\"US\",\"latitude\":0,\"longitude\":0,\"declaredPowerMw\":0}", "invalid_power", 422)]
    [InlineData("{\"facilityId\":\"bad-site\",\"name\":\"n\",\"country\":\"ZZZ\",\"latitude\":0,\"longitude\":0,\"declaredPowerMw\":1}", "invalid_country", 422)]
    [InlineData("{\"facilityId\":\"bad-site\",\"name\":\"n\",\"country\":\"US\",\"latitude\":\"north\",\"longitude\":0,\"declaredPowerMw\":1}", "wrong_type", 400)]
    [InlineData("{\"facilityId\":\"bad-site\",\"name\":\"n\",\"country\":\"US\",\"latitude\":0,\"longitude\":0,\"declaredPowerMw\":1,\"tenant\":\"x\"}", "unknown_field", 400)]
    [InlineData("{\"facilityId\":\"\",\"name\":\"n\",\"country\":\"US\",\"latitude\":0,\"longitude\":0,\"declaredPowerMw\":1}", "invalid_facility", 422)]
    [InlineData("[1,2", "malformed_json", 400)]
    public async Task bad_facility_registrations_get_their_code_and_write_nothing(string json, string code, int status)
    {
        var op = await host.OrganisationKeyAsync("op-bad-input", OrganisationKind.Operator);
        var before = await world.EventCountAsync();

        var response = await world.PostRawAsync(op.Token, "/api/v1/facilities", json);

        Assert.Equal((status, code), ((int)response.StatusCode, await ApiFixture.ProblemCodeAsync(response)));
        Assert.Equal(before, await world.EventCountAsync());
    }

    [Fact]
    public async Task a_duplicate_cluster_or_facility_is_409_and_a_retry_under_an_idempotency_key_appends_once()
    {
        var op = await host.OrganisationKeyAsync("op-dup", OrganisationKind.Operator);
        var body = new { facilityId = "dup-site", name = "Dup", country = "DE", latitude = 50.1m, longitude = 8.7m, declaredPowerMw = 12m };
        var headers = new Dictionary<string, string> { ["Idempotency-Key"] = "register-dup-site" };
        var first = await host.SendAsync(HttpMethod.Post, "/api/v1/facilities", op.Token, body, headers);
        var afterFirst = await world.EventCountAsync();
        var retry = await host.SendAsync(HttpMethod.Post, "/api/v1/facilities", op.Token, body, headers);
        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (first.StatusCode, retry.StatusCode));
        Assert.Equal(await first.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), await retry.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(afterFirst, await world.EventCountAsync());

        await host.SendAsync(HttpMethod.Post, "/api/v1/facilities/dup-site/clusters", op.Token, new { clusterId = "c1", name = "C1" });
        var before = await world.EventCountAsync();
        var again = await host.SendAsync(HttpMethod.Post, "/api/v1/facilities", op.Token, body);
        var cluster = await host.SendAsync(HttpMethod.Post, "/api/v1/facilities/dup-site/clusters", op.Token, new { clusterId = "c1", name = "C1 again" });
        var power = await host.SendAsync(HttpMethod.Post, "/api/v1/facilities/dup-site/power", op.Token, new { declaredPowerMw = -5m });

        Assert.Equal((HttpStatusCode.Conflict, "facility_already_registered"), (again.StatusCode, await ApiFixture.ProblemCodeAsync(again)));
        Assert.Equal((HttpStatusCode.Conflict, "cluster_already_registered"), (cluster.StatusCode, await ApiFixture.ProblemCodeAsync(cluster)));
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "invalid_power"), (power.StatusCode, await ApiFixture.ProblemCodeAsync(power)));
        Assert.Equal(before, await world.EventCountAsync());
    }

    /// <summary>The problem body with the named id and the per-request trace id taken out, to compare a hidden facility with an unknown one.</summary>
    private static async Task<string> Shape(HttpResponseMessage response, string id)
    {
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return string.Join("|", problem.RootElement.EnumerateObject().Where(p => p.Name != "traceId").Select(p => $"{p.Name}={p.Value}"))
            .Replace(id, "{id}", StringComparison.Ordinal);
    }
}
