using System.Net;
using ChipRegistry.Api.Tests.Chips;
using ChipRegistry.Api.Tests.Chips.Reads;
using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace ChipRegistry.Api.Tests.Ledgers;

/// <summary>GET /api/v1/ledgers/*: agencies and the registry read them; bad parameters are 400 with their code.</summary>
public sealed class LedgerEndpointTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task a_delivery_to_a_us_consignee_shows_in_the_shipment_ledger_and_the_china_us_ratio()
    {
        var run = Guid.NewGuid().ToString("N")[..10];
        var makerKey = await host.OrganisationKeyAsync($"lg-maker-{run}", OrganisationKind.Manufacturer, "TW");
        var buyerKey = await host.OrganisationKeyAsync($"lg-buyer-{run}", OrganisationKind.Distributor, "US");
        var maker = new Actor(makerKey.OrganisationId, OrganisationKind.Manufacturer);
        var chipId = await ChipArrange.RegisterOneAsync(host, maker.OrganisationId);
        await ChipArrange.HandOverAsync(host, chipId, maker, new Actor(buyerKey.OrganisationId, OrganisationKind.Distributor));
        var last = (await host.Services.GetRequiredService<RegistryReads>().ReadChipHistoryAsync(chipId, cancellationToken: Cancel))[^1].SeqId;
        var year = ChipArrange.Now.InUtc().Year;

        System.Text.Json.JsonDocument ratio;
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            ratio = await host.GetJsonAsync(ApiFixture.AdminKey, $"/api/v1/ledgers/china-us-ratio?model={CatalogSeed.H100Sxm.ModelId}");
            if (ratio.RootElement.GetProperty("projectedThroughSeqId").GetInt64() >= last) break;
            Assert.True(DateTime.UtcNow < deadline, "the shipment projection did not reach the receipt");
            ratio.Dispose();
            await Task.Delay(100, Cancel);
        }
        using (ratio)
        {
            var exporter = ratio.RootElement.GetProperty("exporters").EnumerateArray().Single(r => r.GetProperty("exporterId").GetString() == maker.OrganisationId);
            Assert.Equal((0L, 1L, true), (exporter.GetProperty("chinaUnits").GetInt64(), exporter.GetProperty("usDeliveredUnits").GetInt64(), exporter.GetProperty("withinHalf").GetBoolean()));
        }
        using var ledger = await host.GetJsonAsync(ApiFixture.AdminKey, $"/api/v1/ledgers/shipments?year={year}");
        var us = ledger.RootElement.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("key").GetString() == "US");
        Assert.True(us.GetProperty("chips").GetInt64() >= 1);
        using var byParent = await host.GetJsonAsync(ApiFixture.AdminKey, $"/api/v1/ledgers/shipments?year={year}&by=consignee_parent");
        Assert.Contains(byParent.RootElement.GetProperty("rows").EnumerateArray(), r => r.GetProperty("key").GetString() == buyerKey.OrganisationId);

        Assert.Equal((400, "invalid_year"), await ChipApi.ProblemAsync(await host.SendAsync(HttpMethod.Get, "/api/v1/ledgers/shipments", ApiFixture.AdminKey)));
        Assert.Equal((400, "invalid_grouping"), await ChipApi.ProblemAsync(await host.SendAsync(HttpMethod.Get, $"/api/v1/ledgers/shipments?year={year}&by=owner", ApiFixture.AdminKey)));
        Assert.Equal((404, "model_not_registered"), await ChipApi.ProblemAsync(await host.SendAsync(HttpMethod.Get, "/api/v1/ledgers/china-us-ratio?model=nvidia-nope", ApiFixture.AdminKey)));
        Assert.Equal(HttpStatusCode.Forbidden, (await host.SendAsync(HttpMethod.Get, $"/api/v1/ledgers/shipments?year={year}", buyerKey.Token)).StatusCode);
    }
}
