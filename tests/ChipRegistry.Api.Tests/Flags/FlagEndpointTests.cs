using System.Net;
using System.Text.Json;
using ChipRegistry.Api.Tests.Chips;
using ChipRegistry.Api.Tests.Chips.Reads;
using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Detection.LicenceCheckFailed;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.EventStore;
using Microsoft.Extensions.DependencyInjection;

namespace ChipRegistry.Api.Tests.Flags;

/// <summary>
/// The flag API: agencies and the admin read flags through every filter, with evidence; agencies review them; the
/// reviews outlive a rebuild of the rule; no other role reads any; bad filters are 400 with their code.
/// </summary>
public sealed class FlagEndpointTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private async Task<IReadOnlyList<string>> IdsAsync(string key, string path)
    {
        using var page = await host.GetJsonAsync(key, path);
        return [.. page.RootElement.GetProperty("flags").EnumerateArray().Select(f => f.GetProperty("id").GetString()!)];
    }

    [Fact]
    public async Task agencies_and_the_admin_find_a_flag_through_each_filter_and_read_its_evidence_while_a_trader_gets_403()
    {
        var flag = await FlagArrange.RaiseAsync(host);
        var agency = await host.OrganisationKeyAsync($"fl-agency-{Guid.NewGuid():N}"[..20], OrganisationKind.Agency);
        var today = ChipArrange.Now.InUtc().Date.ToString("yyyy-MM-dd", null);
        var yesterday = ChipArrange.Now.InUtc().Date.PlusDays(-1).ToString("yyyy-MM-dd", null);

        foreach (var key in new[] { agency.Token, ApiFixture.AdminKey })
        {
            Assert.Contains(flag.FlagId, await IdsAsync(key, $"/api/v1/flags?rule=16&severity=critical&status=open&country=CN&asOf={today}&limit=200"));
            Assert.Equal([flag.FlagId], await IdsAsync(key, $"/api/v1/flags?subjectKind=organisation&subjectId={flag.ShipperId}"));
            Assert.Equal([flag.FlagId], await IdsAsync(key, $"/api/v1/chips/{flag.ChipId}/flags?from={yesterday}&to={today}"));
            Assert.Equal([flag.FlagId], await IdsAsync(key, $"/api/v1/organisations/{flag.ShipperId}/flags?rule=16"));
            // Near misses of each filter.
            Assert.Empty(await IdsAsync(key, $"/api/v1/chips/{flag.ChipId}/flags?rule=1"));
            Assert.Empty(await IdsAsync(key, $"/api/v1/chips/{flag.ChipId}/flags?severity=low"));
            Assert.Empty(await IdsAsync(key, $"/api/v1/chips/{flag.ChipId}/flags?status=closed"));
            Assert.Empty(await IdsAsync(key, $"/api/v1/chips/{flag.ChipId}/flags?asOf={yesterday}"));
            Assert.Empty(await IdsAsync(key, $"/api/v1/organisations/{flag.ConsigneeId}/flags"));
            Assert.Empty(await IdsAsync(key, $"/api/v1/flags?subjectKind=organisation&subjectId={flag.ShipperId}&country=SG"));
        }

        using var one = await host.GetJsonAsync(agency.Token, $"/api/v1/flags/{flag.FlagId}");
        var body = one.RootElement.GetProperty("flag");
        Assert.Equal((16, "critical", "open", "CN"), (body.GetProperty("rule").GetInt32(), body.GetProperty("severity").GetString(),
            body.GetProperty("status").GetString(), body.GetProperty("country").GetString()));
        Assert.StartsWith($"1 chip shipped by {flag.ShipperId} to CN for {flag.ConsigneeId} on {today} failed the licence check (missing)",
            body.GetProperty("explanation").GetString(), StringComparison.Ordinal);
        var evidence = Assert.Single(one.RootElement.GetProperty("events").EnumerateArray());
        Assert.Equal(("chip_shipped", flag.ChipId), (evidence.GetProperty("type").GetString(), evidence.GetProperty("stream").GetString()));
        Assert.Equal(body.GetProperty("evidence")[0].GetInt64(), evidence.GetProperty("seqId").GetInt64());

        var trader = await host.OrganisationKeyAsync(flag.ShipperId, OrganisationKind.Manufacturer, "TW");
        foreach (var path in new[] { "/api/v1/flags", $"/api/v1/flags/{flag.FlagId}", $"/api/v1/chips/{flag.ChipId}/flags", $"/api/v1/organisations/{flag.ShipperId}/flags" })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await host.SendAsync(HttpMethod.Get, path, trader.Token)).StatusCode);
        }
        Assert.Equal(HttpStatusCode.Forbidden,
            (await host.SendAsync(HttpMethod.Post, $"/api/v1/flags/{flag.FlagId}/reviews", trader.Token, new { action = "dismiss", reason = "mine" })).StatusCode);
    }

    [Fact]
    public async Task a_dismissal_is_kept_on_the_flags_stream_and_outlives_a_rebuild_of_the_rule()
    {
        var flag = await FlagArrange.RaiseAsync(host);
        var agency = await host.OrganisationKeyAsync($"fl-agency-{Guid.NewGuid():N}"[..20], OrganisationKind.Agency);
        var acknowledged = await host.SendAsync(HttpMethod.Post, $"/api/v1/flags/{flag.FlagId}/reviews", agency.Token, new { action = "acknowledge", reason = "looking" });
        Assert.Equal("acknowledge", (await acknowledged.JsonAsync()).GetProperty("review").GetString());
        var dismissed = await host.SendAsync(HttpMethod.Post, $"/api/v1/flags/{flag.FlagId}/reviews", agency.Token, new { action = "dismiss", reason = "a licence was filed late" });
        Assert.Equal(HttpStatusCode.OK, dismissed.StatusCode);

        await host.Services.GetRequiredService<ProjectionDaemon>().RebuildAsync(LicenceCheckFailedProjection.Prefix, Cancel);
        using var after = await host.GetJsonAsync(agency.Token, $"/api/v1/flags/{flag.FlagId}");
        var body = after.RootElement.GetProperty("flag");
        Assert.Equal(("dismiss", "a licence was filed late", agency.OrganisationId),
            (body.GetProperty("review").GetString(), body.GetProperty("latestReview").GetProperty("reason").GetString(),
             body.GetProperty("latestReview").GetProperty("reviewedBy").GetString()));
    }

    [Fact]
    public async Task the_review_filter_finds_a_flag_by_where_its_latest_review_leaves_it_and_a_lapsed_dismissal_as_none()
    {
        // Two chips of one shipping act to China without a licence (rule 16 groups by the act): the second is reported later.
        var run = Guid.NewGuid().ToString("N")[..10];
        var shipper = new Actor($"fr-maker-{run}", OrganisationKind.Manufacturer);
        var consignee = $"fr-cn-{run}";
        await host.RegisterOrganisationAsync(consignee, OrganisationKind.Distributor, "CN");
        var (first, second) = (await ChipArrange.RegisterOneAsync(host, shipper.OrganisationId), await ChipArrange.RegisterOneAsync(host, shipper.OrganisationId));
        var shippedAt = ChipArrange.Now;
        var daemon = host.Services.GetRequiredService<ProjectionDaemon>();
        async Task ShipAsync(string chipId)
        {
            var party = new PartyJurisdiction(consignee, "CN", consignee, "CN");
            ChipArrange.Accepted(await host.Commands.HandleAsync(new ShipChip(Guid.NewGuid(), chipId, "CN", consignee, consignee, consignee, consignee, consignee, null,
                new ShipmentContext(CatalogSeed.H100Sxm, party, party, null, null, 0), shipper, shippedAt), cancellationToken: Cancel));
            await daemon.WaitForCatchUpAsync(Cancel);
        }
        await ShipAsync(first);
        var agency = await host.OrganisationKeyAsync($"fl-agency-{Guid.NewGuid():N}"[..20], OrganisationKind.Agency);
        var flagId = Assert.Single(await IdsAsync(agency.Token, $"/api/v1/flags?subjectKind=organisation&subjectId={shipper.OrganisationId}"));
        async Task<string> FoundUnderAsync()
        {
            var found = new List<string>();
            foreach (var state in new[] { "none", "acknowledge", "escalate", "dismiss" })
            {
                var ids = await IdsAsync(agency.Token, $"/api/v1/flags?subjectKind=organisation&subjectId={shipper.OrganisationId}&review={state}");
                if (ids.Contains(flagId)) found.Add(state);
            }
            return Assert.Single(found);
        }
        async Task ReviewAsync(string action) => Assert.Equal(HttpStatusCode.OK,
            (await host.SendAsync(HttpMethod.Post, $"/api/v1/flags/{flagId}/reviews", agency.Token, new { action, reason = "working it" })).StatusCode);

        Assert.Equal("none", await FoundUnderAsync());
        await ReviewAsync("escalate");
        Assert.Equal("escalate", await FoundUnderAsync());
        await ReviewAsync("dismiss");
        Assert.Equal("dismiss", await FoundUnderAsync());

        // The second chip is newer evidence of the same flag: the dismissal lapses and the flag is back in the queue.
        await ShipAsync(second);
        using (var one = await host.GetJsonAsync(agency.Token, $"/api/v1/flags/{flagId}"))
        {
            Assert.Equal(2, one.RootElement.GetProperty("flag").GetProperty("evidence").GetArrayLength());
        }
        Assert.Equal("none", await FoundUnderAsync());
    }

    [Fact]
    public async Task bad_filters_and_reviews_are_refused_with_their_codes_and_change_nothing()
    {
        var flag = await FlagArrange.SharedAsync(host);
        var agency = await host.OrganisationKeyAsync($"fl-agency-{Guid.NewGuid():N}"[..20], OrganisationKind.Agency);
        foreach (var (query, code) in new[]
        {
            ("rule=18", "invalid_rule"), ("rule=x", "invalid_rule"), ("severity=urgent", "invalid_severity"), ("status=dismissed", "invalid_status"),
            ("asOf=2025-13-01", "invalid_as_of"), ("from=2025-01-01", "invalid_period"), ("from=2025-02-01&to=2025-01-01", "invalid_period"),
            ("subjectKind=organisation", "invalid_filter"), ("subjectKind=person&subjectId=x", "invalid_filter"), ("country=sg", "invalid_country"),
            ("review=dismissed", "invalid_review"),
            ("cursor=!!", "invalid_cursor"), ("limit=0", "invalid_limit"),
        })
        {
            Assert.Equal((400, code), await ChipApi.ProblemAsync(await host.SendAsync(HttpMethod.Get, $"/api/v1/flags?{query}", agency.Token)));
        }
        Assert.Equal((404, "flag_not_found"), await ChipApi.ProblemAsync(await host.SendAsync(HttpMethod.Get, "/api/v1/flags/r16-00000000000000000000", agency.Token)));
        Assert.Equal((404, "flag_not_found"), await ChipApi.ProblemAsync(await host.SendAsync(HttpMethod.Get, "/api/v1/flags/nonsense", agency.Token)));

        var events = await host.EventCountAsync();
        Assert.Equal((404, "flag_not_found"), await ChipApi.ProblemAsync(
            await host.SendAsync(HttpMethod.Post, "/api/v1/flags/r01-00000000000000000000/reviews", agency.Token, new { action = "dismiss", reason = "x" })));
        Assert.Equal((422, "invalid_review_action"), await ChipApi.ProblemAsync(
            await host.SendAsync(HttpMethod.Post, $"/api/v1/flags/{flag.FlagId}/reviews", agency.Token, new { action = "ignore", reason = "x" })));
        Assert.Equal((422, "reason_required"), await ChipApi.ProblemAsync(
            await host.SendAsync(HttpMethod.Post, $"/api/v1/flags/{flag.FlagId}/reviews", agency.Token, new { action = "dismiss", reason = " " })));
        Assert.Equal(events, await host.EventCountAsync());
    }
}
