using System.Net;
using System.Text.Json;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.EventStore;
using Microsoft.Extensions.DependencyInjection;

namespace ChipRegistry.Api.Tests.Facilities;

/// <summary>GET /api/v1/facilities: the daemon's facility_list, filtered, paged, and kept to what the single GET shows the caller.</summary>
public sealed class FacilityListTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private async Task<string> RegisterAsync(string key, string facilityId, string country, decimal power = 20m)
    {
        var registered = await host.SendAsync(HttpMethod.Post, "/api/v1/facilities", key,
            new { facilityId, name = $"Site {facilityId}", country, latitude = 10m, longitude = 20m, declaredPowerMw = power });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        return facilityId;
    }

    private Task CaughtUpAsync() => host.Services.GetRequiredService<ProjectionDaemon>().WaitForCatchUpAsync(Cancel);

    private static string[] Ids(JsonDocument page) =>
        [.. page.RootElement.GetProperty("facilities").EnumerateArray().Select(f => f.GetProperty("facilityId").GetString()!)];

    /// <summary>Every page from the first, following <c>next</c>.</summary>
    private async Task<List<string[]>> PagesAsync(string key, string query)
    {
        var pages = new List<string[]>();
        string? cursor = null;
        do
        {
            using var page = await host.GetJsonAsync(key, $"/api/v1/facilities?{query}{(cursor is null ? "" : $"&cursor={cursor}")}");
            pages.Add(Ids(page));
            cursor = page.RootElement.GetProperty("next").GetString();
        }
        while (cursor is not null && pages.Count < 20);
        return pages;
    }

    [Fact]
    public async Task an_operator_pages_through_its_own_facilities_only_and_agencies_filter_every_facility_by_operator_and_country()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var mine = await host.OrganisationKeyAsync($"fl-mine-{run}", OrganisationKind.Operator);
        var theirs = await host.OrganisationKeyAsync($"fl-theirs-{run}", OrganisationKind.Operator);
        var agency = await host.OrganisationKeyAsync($"fl-agency-{run}", OrganisationKind.Agency);
        // Ids interleave in id order, so a page that let another operator's site through and then dropped it would come up short.
        var a1 = await RegisterAsync(mine.Token, $"fl-{run}-a1", "US", 150m);
        await RegisterAsync(theirs.Token, $"fl-{run}-a2", "US");
        var a3 = await RegisterAsync(mine.Token, $"fl-{run}-a3", "DE");
        await RegisterAsync(theirs.Token, $"fl-{run}-a4", "DE");
        var a5 = await RegisterAsync(mine.Token, $"fl-{run}-a5", "US");
        Assert.Equal(HttpStatusCode.Created, (await host.SendAsync(HttpMethod.Post, $"/api/v1/facilities/{a1}/clusters", mine.Token, new { clusterId = "hall-a", name = "Hall A" })).StatusCode);
        await CaughtUpAsync();

        Assert.Equal([[a1, a3], [a5]], await PagesAsync(mine.Token, "limit=2"));
        // Naming another operator does not widen what an operator sees.
        Assert.Equal([[]], await PagesAsync(mine.Token, $"operator={theirs.OrganisationId}"));
        Assert.Equal([[a1], [a5]], await PagesAsync(agency.Token, $"operator={mine.OrganisationId}&country=US&limit=1"));
        Assert.Equal([[a1, a5]], await PagesAsync(ApiFixture.AdminKey, $"operator={mine.OrganisationId}&country=US"));
        Assert.Equal(2, (await PagesAsync(agency.Token, $"operator={theirs.OrganisationId}")).Single().Length);

        // Each item is what the single GET answers.
        using var list = await host.GetJsonAsync(agency.Token, $"/api/v1/facilities?operator={mine.OrganisationId}&limit=1");
        using var single = await host.GetJsonAsync(agency.Token, $"/api/v1/facilities/{a1}");
        Assert.Equal(single.RootElement.GetRawText(), list.RootElement.GetProperty("facilities")[0].GetRawText());
        Assert.True(list.RootElement.GetProperty("projectedThroughSeqId").GetInt64() > 0);
    }

    [Fact]
    public async Task a_facility_changed_after_it_was_listed_is_listed_as_it_is_now()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var op = await host.OrganisationKeyAsync($"fl-op-{run}", OrganisationKind.Operator);
        var site = await RegisterAsync(op.Token, $"fl-{run}-site", "JP", 10m);
        await CaughtUpAsync();
        Assert.Equal(HttpStatusCode.OK, (await host.SendAsync(HttpMethod.Post, $"/api/v1/facilities/{site}/power", op.Token, new { declaredPowerMw = 42.5m })).StatusCode);
        await CaughtUpAsync();

        using var list = await host.GetJsonAsync(op.Token, "/api/v1/facilities");
        Assert.Equal(42.5m, list.RootElement.GetProperty("facilities").EnumerateArray().Single().GetProperty("declaredPowerMw").GetDecimal());
    }

    [Theory]
    [InlineData("country=us", "invalid_country")]
    [InlineData("limit=0", "invalid_limit")]
    [InlineData("limit=201", "invalid_limit")]
    [InlineData("cursor=%21%21%21", "invalid_cursor")]
    [InlineData("operator=", "invalid_filter")]
    public async Task bad_list_parameters_are_400_with_their_code(string query, string code)
    {
        var response = await host.SendAsync(HttpMethod.Get, $"/api/v1/facilities?{query}", ApiFixture.AdminKey);
        Assert.Equal((HttpStatusCode.BadRequest, code), (response.StatusCode, await ApiFixture.ProblemCodeAsync(response)));
    }

    [Fact]
    public async Task roles_that_cannot_read_a_facility_cannot_list_them()
    {
        var maker = await host.OrganisationKeyAsync($"fl-maker-{Guid.NewGuid():N}"[..20], OrganisationKind.Manufacturer);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.SendAsync(HttpMethod.Get, "/api/v1/facilities", maker.Token)).StatusCode);
    }
}
