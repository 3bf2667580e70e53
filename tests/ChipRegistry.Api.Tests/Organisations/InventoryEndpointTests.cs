using System.Net;
using System.Text.Json;
using ChipRegistry.Api.Tests.Chips.Reads;
using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace ChipRegistry.Api.Tests.Organisations;

/// <summary>GET /api/v1/organisations/{id}/inventory: an organisation reads its own, an agency any, anyone else an unregistered organisation's 404.</summary>
public sealed class InventoryEndpointTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task the_holder_sees_its_delivered_and_idle_chips_an_agency_too_and_another_organisation_an_unknown_ones_answer()
    {
        var run = Guid.NewGuid().ToString("N")[..10];
        var makerKey = await host.OrganisationKeyAsync($"iv-maker-{run}", OrganisationKind.Manufacturer, "TW");
        var holderKey = await host.OrganisationKeyAsync($"iv-holder-{run}", OrganisationKind.Distributor, "US");
        var otherKey = await host.OrganisationKeyAsync($"iv-other-{run}", OrganisationKind.Distributor, "US");
        var maker = new Actor(makerKey.OrganisationId, OrganisationKind.Manufacturer);
        var holder = new Actor(holderKey.OrganisationId, OrganisationKind.Distributor);
        var chips = await ChipArrange.RegisterAsync(host, maker.OrganisationId, 2);
        foreach (var chip in chips) await ChipArrange.HandOverAsync(host, chip, maker, holder);
        var reads = host.Services.GetRequiredService<RegistryReads>();
        var lastSeqId = 0L;
        foreach (var chip in chips) lastSeqId = Math.Max(lastSeqId, (await reads.ReadChipHistoryAsync(chip, cancellationToken: Cancel))[^1].SeqId);

        var path = $"/api/v1/organisations/{holder.OrganisationId}/inventory";
        JsonDocument own;
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            own = await host.GetJsonAsync(holderKey.Token, path);
            if (own.RootElement.GetProperty("projectedThroughSeqId").GetInt64() >= lastSeqId) break;
            Assert.True(DateTime.UtcNow < deadline, "the placement projection did not reach the receipts");
            own.Dispose();
            await Task.Delay(100, Cancel);
        }
        using (own)
        {
            var model = Assert.Single(own.RootElement.GetProperty("models").EnumerateArray());
            Assert.Equal((CatalogSeed.H100Sxm.ModelId, 2L, 0L, 2L),
                (model.GetProperty("modelId").GetString(), model.GetProperty("delivered").GetInt64(), model.GetProperty("installed").GetInt64(), model.GetProperty("idle").GetInt64()));
            var idle = own.RootElement.GetProperty("oldestIdle").EnumerateArray().ToList();
            Assert.Equal(chips.Order(StringComparer.Ordinal), idle.Select(c => c.GetProperty("chipId").GetString()!).Order(StringComparer.Ordinal));
            Assert.Equal(idle[0].GetProperty("idleSince").GetString(), model.GetProperty("oldestIdleSince").GetString());
        }

        using var agency = await host.GetJsonAsync(ApiFixture.AdminKey, path);
        Assert.Equal(2L, agency.RootElement.GetProperty("models")[0].GetProperty("delivered").GetInt64());
        using var maker0 = await host.GetJsonAsync(makerKey.Token, $"/api/v1/organisations/{maker.OrganisationId}/inventory");
        Assert.Equal(0, maker0.RootElement.GetProperty("models").GetArrayLength());

        var hidden = await host.SendAsync(HttpMethod.Get, path, otherKey.Token);
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        Assert.Contains("organisation_not_registered", await hidden.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        var tooMany = await host.SendAsync(HttpMethod.Get, path + "?limit=501", holderKey.Token);
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
    }
}
