using System.Net;
using System.Text.Json;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.EventStore;
using Microsoft.Extensions.DependencyInjection;

namespace ChipRegistry.Api.Tests.Feed;

public sealed class FeedEndpointTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task an_agency_reads_every_event_in_order_up_to_the_high_water_mark_and_pages_through_it()
    {
        var agency = await host.OrganisationKeyAsync("agency-feed", OrganisationKind.Agency);
        await host.OrganisationKeyAsync("feed-op-1", OrganisationKind.Operator);
        await host.OrganisationKeyAsync("feed-op-2", OrganisationKind.Operator);
        var committed = await host.Services.GetRequiredService<ProjectionDaemon>().WaitForCatchUpAsync(TestContext.Current.CancellationToken);

        using var all = await host.GetJsonAsync(agency.Token, "/api/v1/feed?after=0&limit=1000");
        var seqIds = all.RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("seqId").GetInt64()).ToList();
        Assert.True(all.RootElement.GetProperty("highWaterMark").GetInt64() >= committed);
        Assert.Equal(seqIds.Order(), seqIds);
        Assert.All(seqIds, id => Assert.True(id <= all.RootElement.GetProperty("highWaterMark").GetInt64()));
        var issued = all.RootElement.GetProperty("events").EnumerateArray().Where(e => e.GetProperty("type").GetString() == "api_key_issued").ToList();
        Assert.Contains(issued, e => e.GetProperty("data").GetProperty("organisationId").GetString() == "feed-op-2");
        Assert.All(issued, e => Assert.Equal("redacted", e.GetProperty("data").GetProperty("secretHash").GetString()));

        var paged = new List<long>();
        long after = 0;
        while (true)
        {
            using var page = await host.GetJsonAsync(agency.Token, $"/api/v1/feed?after={after}&limit=2");
            var ids = page.RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("seqId").GetInt64()).ToList();
            paged.AddRange(ids);
            var next = page.RootElement.GetProperty("next").GetInt64();
            if (ids.Count == 0 || next == after)
            {
                break;
            }
            after = next;
        }
        Assert.Equal(seqIds, paged.Where(id => id <= seqIds[^1]));
    }

    [Fact]
    public async Task a_page_out_of_range_is_400_invalid_page()
    {
        var agency = await host.OrganisationKeyAsync("agency-feed-2", OrganisationKind.Agency);

        var response = await host.SendAsync(HttpMethod.Get, "/api/v1/feed?after=0&limit=0", agency.Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_page", await ApiFixture.ProblemCodeAsync(response));
    }
}
