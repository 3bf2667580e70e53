using System.Net;
using System.Text.Json;
using ChipRegistry.Api.Tests.Chips;
using ChipRegistry.Api.Tests.Chips.Reads;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.EventStore;
using Microsoft.Extensions.DependencyInjection;

namespace ChipRegistry.Api.Tests.Flags;

/// <summary>
/// Chip search by licence-check result: a chip shipped without a needed licence is found across chips by each filter,
/// a voided shipment only when asked for, pages follow the cursor, bad filters are 400 with their code.
/// </summary>
public sealed class LicenceCheckFailureSearchTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private async Task<IReadOnlyList<JsonElement>> RowsAsync(string key, string query)
    {
        using var page = await host.GetJsonAsync(key, $"/api/v1/licence-check-failures?{query}");
        return [.. page.RootElement.GetProperty("shipments").EnumerateArray().Select(r => r.Clone())];
    }

    private static IReadOnlyList<string?> Chips(IEnumerable<JsonElement> rows) => [.. rows.Select(r => r.GetProperty("chipId").GetString())];

    [Fact]
    public async Task a_chip_shipped_without_its_licence_is_found_by_each_filter_and_a_voided_shipment_only_when_asked()
    {
        var kept = await FlagArrange.RaiseAsync(host);
        var voided = await FlagArrange.RaiseAsync(host);
        var agency = await host.OrganisationKeyAsync($"lc-agency-{Guid.NewGuid():N}"[..20], OrganisationKind.Agency);
        var today = ChipArrange.Now.InUtc().Date;
        string Day(int offset) => today.PlusDays(offset).ToString("yyyy-MM-dd", null);

        var row = Assert.Single(await RowsAsync(agency.Token, $"chipId={kept.ChipId}"));
        Assert.Equal((kept.ChipId, kept.ShipperId, kept.ConsigneeId, "CN", "missing", false),
            (row.GetProperty("chipId").GetString(), row.GetProperty("shipperId").GetString(), row.GetProperty("consigneeId").GetString(),
             row.GetProperty("destinationCountry").GetString(), row.GetProperty("result").GetString(), row.GetProperty("voided").GetBoolean()));
        Assert.Equal([kept.ChipId], Chips(await RowsAsync(agency.Token, $"shipperId={kept.ShipperId}&result=missing&destinationCountry=CN&from={Day(0)}&to={Day(0)}")));
        Assert.Equal([kept.ChipId], Chips(await RowsAsync(ApiFixture.AdminKey, $"consigneeId={kept.ConsigneeId}&from={Day(-1)}")));
        // Near misses of each filter.
        Assert.Empty(await RowsAsync(agency.Token, $"chipId={kept.ChipId}&result=expired"));
        Assert.Empty(await RowsAsync(agency.Token, $"chipId={kept.ChipId}&destinationCountry=SG"));
        Assert.Empty(await RowsAsync(agency.Token, $"chipId={kept.ChipId}&to={Day(-1)}"));
        Assert.Empty(await RowsAsync(agency.Token, $"chipId={kept.ChipId}&from={Day(1)}"));
        Assert.Empty(await RowsAsync(agency.Token, $"shipperId={kept.ConsigneeId}"));

        // One row and a page of one: no next page.
        using (var first = await host.GetJsonAsync(agency.Token, $"/api/v1/licence-check-failures?chipId={kept.ChipId}&limit=1"))
        {
            Assert.Equal(JsonValueKind.Null, first.RootElement.GetProperty("next").ValueKind);
        }
        var shipment = Assert.Single(await RowsAsync(agency.Token, $"chipId={voided.ChipId}")).GetProperty("shipmentEventId").GetGuid();
        var shipper = new Actor(voided.ShipperId, OrganisationKind.Manufacturer);
        ChipArrange.Accepted(await host.Commands.HandleAsync(new VoidChipEvent(Guid.NewGuid(), voided.ChipId, shipment, "shipped in error", shipper, ChipArrange.Now), null, Cancel));
        await host.Services.GetRequiredService<ProjectionDaemon>().WaitForCatchUpAsync(Cancel);

        Assert.Empty(await RowsAsync(agency.Token, $"chipId={voided.ChipId}"));
        var withVoided = Assert.Single(await RowsAsync(agency.Token, $"chipId={voided.ChipId}&includeVoided=true"));
        Assert.True(withVoided.GetProperty("voided").GetBoolean());
    }

    [Fact]
    public async Task the_chip_search_finds_a_chip_by_its_failed_licence_check_and_refuses_a_result_that_is_no_failure()
    {
        var flag = await FlagArrange.RaiseAsync(host);
        var agency = await host.OrganisationKeyAsync($"lc-agency-{Guid.NewGuid():N}"[..20], OrganisationKind.Agency);
        async Task<IReadOnlyList<string?>> ChipsAsync(string query)
        {
            using var page = await host.GetJsonAsync(agency.Token, $"/api/v1/chips?{query}");
            return [.. page.RootElement.GetProperty("chips").EnumerateArray().Select(c => c.GetProperty("chipId").GetString())];
        }

        Assert.Equal([flag.ChipId], await ChipsAsync($"licenceCheck=missing&owner={flag.ShipperId}"));
        Assert.Empty(await ChipsAsync($"licenceCheck=expired&owner={flag.ShipperId}"));
        Assert.Equal((400, "invalid_licence_check_result"), await ChipApi.ProblemAsync(await host.SendAsync(HttpMethod.Get, "/api/v1/chips?licenceCheck=ok", agency.Token)));
    }

    [Fact]
    public async Task pages_follow_the_cursor_in_the_order_recorded()
    {
        var earlier = await FlagArrange.RaiseAsync(host);
        var later = await FlagArrange.RaiseAsync(host);
        var agency = await host.OrganisationKeyAsync($"lc-agency-{Guid.NewGuid():N}"[..20], OrganisationKind.Agency);
        var seen = new List<string?>();
        string? cursor = null;
        do
        {
            using var page = await host.GetJsonAsync(agency.Token, $"/api/v1/licence-check-failures?result=missing&limit=1{(cursor is null ? "" : $"&cursor={cursor}")}");
            seen.AddRange(page.RootElement.GetProperty("shipments").EnumerateArray().Select(r => r.GetProperty("chipId").GetString()));
            cursor = page.RootElement.GetProperty("next").GetString();
        }
        while (cursor is not null);

        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.True(seen.IndexOf(earlier.ChipId) is >= 0 and var i && seen.IndexOf(later.ChipId) > i, string.Join(", ", seen));
    }

    [Theory]
    [InlineData("result=ok", "invalid_licence_check_result")]
    [InlineData("result=none_needed", "invalid_licence_check_result")]
    [InlineData("destinationCountry=cn", "invalid_country")]
    [InlineData("from=2025-13-01", "invalid_period")]
    [InlineData("from=2025-03-02&to=2025-03-01", "invalid_period")]
    [InlineData("limit=0", "invalid_limit")]
    [InlineData("cursor=bm90LWEtbnVtYmVy", "invalid_cursor")]
    public async Task a_bad_filter_is_400_with_its_code(string query, string code)
    {
        var agency = await host.OrganisationKeyAsync($"lc-agency-{Guid.NewGuid():N}"[..20], OrganisationKind.Agency);

        var refused = await host.SendAsync(HttpMethod.Get, $"/api/v1/licence-check-failures?{query}", agency.Token);

        Assert.Equal((HttpStatusCode.BadRequest, code), (refused.StatusCode, await ApiFixture.ProblemCodeAsync(refused)));
    }
}
