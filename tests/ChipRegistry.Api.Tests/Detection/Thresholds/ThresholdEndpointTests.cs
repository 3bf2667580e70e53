using System.Net;
using System.Text.Json;
using ChipRegistry.Domain.Organisations;

namespace ChipRegistry.Api.Tests.Detection.Thresholds;

public sealed class ThresholdEndpointTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    private readonly RegistryWorld world = new(host);

    [Fact]
    public async Task a_change_takes_effect_at_its_instant_and_the_list_shows_the_value_in_force_at_the_latest_tick()
    {
        var agency = await host.OrganisationKeyAsync("thresholds-agency", OrganisationKind.Agency);
        await TickAsync("2026-03-01T10:00:00Z");

        var changed = await host.SendAsync(HttpMethod.Post, "/api/v1/detection/thresholds/transshipment_days", agency.Token,
            new { value = "21", effectiveFrom = "2026-03-01T12:00:00Z", reason = "three weeks from now on" });
        Assert.Equal(HttpStatusCode.Created, changed.StatusCode);
        Assert.Equal("14", await ValueAsync(agency.Token, "transshipment_days"));

        await TickAsync("2026-03-01T12:00:00Z");
        Assert.Equal("21", await ValueAsync(agency.Token, "transshipment_days"));
        using var list = await host.GetJsonAsync(ApiFixture.AdminKey, "/api/v1/detection/thresholds");
        Assert.Equal("2026-03-01T12:00:00Z", list.RootElement.GetProperty("inForceAt").GetString());
        var entry = list.RootElement.GetProperty("thresholds").EnumerateArray().Single(t => t.GetProperty("name").GetString() == "transshipment_days");
        Assert.Equal((6, "number", "days", "14"), (entry.GetProperty("rule").GetInt32(), entry.GetProperty("kind").GetString(), entry.GetProperty("unit").GetString(), entry.GetProperty("default").GetString()));
        var change = Assert.Single(entry.GetProperty("changes").EnumerateArray());
        Assert.Equal(("21", "2026-03-01T12:00:00Z", "thresholds-agency"), (change.GetProperty("value").GetString(), change.GetProperty("effectiveFrom").GetString(), change.GetProperty("recordedBy").GetString()));
        Assert.Equal(ChipRegistry.Domain.Detection.Thresholds.DetectionThresholds.All.Count, list.RootElement.GetProperty("thresholds").GetArrayLength());
    }

    [Theory]
    [InlineData("transshipment_days", "{\"value\":\"21\",\"effectiveFrom\":\"2026-03-01T09:59:59Z\",\"reason\":\"r\"}", 422, "threshold_backdated")]
    [InlineData("transshipment_weeks", "{\"value\":\"3\",\"effectiveFrom\":\"2030-01-01T00:00:00Z\",\"reason\":\"r\"}", 404, "unknown_threshold")]
    [InlineData("transshipment_days", "{\"value\":\"-1\",\"effectiveFrom\":\"2030-01-01T00:00:00Z\",\"reason\":\"r\"}", 422, "invalid_threshold_value")]
    [InlineData("transshipment_hubs", "{\"value\":\"SG, MY\",\"effectiveFrom\":\"2030-01-01T00:00:00Z\",\"reason\":\"r\"}", 422, "invalid_threshold_value")]
    [InlineData("transshipment_days", "{\"value\":21,\"effectiveFrom\":\"2030-01-01T00:00:00Z\",\"reason\":\"r\"}", 400, "wrong_type")]
    [InlineData("transshipment_days", "{\"value\":\"21\",\"effectiveFrom\":\"2030-01-01T00:00:00Z\"}", 400, "missing_field")]
    [InlineData("transshipment_days", "{\"value\":\"21\",\"effectiveFrom\":\"9999-01-01T00:00:00Z\",\"reason\":\"r\"}", 422, "date_out_of_range")]
    public async Task a_bad_change_is_refused_with_its_code_and_changes_nothing(string name, string body, int status, string code)
    {
        var agency = await host.OrganisationKeyAsync("thresholds-agency", OrganisationKind.Agency);
        await TickAsync("2026-03-01T10:00:00Z");
        var before = await world.EventCountAsync();

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/detection/thresholds/{name}")
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", agency.Token);
        var refused = await host.Client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal((status, code), ((int)refused.StatusCode, await ApiFixture.ProblemCodeAsync(refused)));
        Assert.Equal(before, await world.EventCountAsync());
    }

    /// <summary>A manual tick at the instant, or no tick when a later one exists already (tests of this class share a clock).</summary>
    private async Task TickAsync(string at)
    {
        var response = await host.SendAsync(HttpMethod.Post, "/api/v1/admin/clock-ticks", ApiFixture.AdminKey, new { at });
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK or HttpStatusCode.Conflict, $"tick at {at}: {(int)response.StatusCode}");
    }

    private async Task<string?> ValueAsync(string key, string name)
    {
        using var list = await host.GetJsonAsync(key, "/api/v1/detection/thresholds");
        return list.RootElement.GetProperty("thresholds").EnumerateArray().Single(t => t.GetProperty("name").GetString() == name).GetProperty("value").GetString();
    }
}
