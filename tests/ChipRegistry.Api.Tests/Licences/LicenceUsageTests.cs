using System.Net;
using System.Text.Json;
using ChipRegistry.Api.Tests.Chips;
using ChipRegistry.Domain.Organisations;

namespace ChipRegistry.Api.Tests.Licences;

public sealed class LicenceUsageTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    private readonly RegistryWorld world = new(host);

    [Fact]
    public async Task concurrent_shipments_under_one_licence_pass_its_quantity_check_no_more_often_than_it_allows_and_its_answer_shows_the_usage()
    {
        var arrange = new ChipArranger(host);
        var chips = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            chips.Add(await arrange.FabricatedAsync());
        }
        var maker = await host.IssueKeyAsync(ChipArranger.Manufacturer, "manufacturer");
        // A licence is needed for the Gulf (the AE destination of the lifecycle scenario).
        const string licensee = "usage-consignee-ae";
        await host.RegisterOrganisationAsync(licensee, OrganisationKind.Operator, "AE");
        var licenceId = RegistryWorld.FreshId("lic-usage");
        var number = "U" + Random.Shared.Next(1_000_000, 9_999_999);
        await world.PostAsync(await world.AgencyAsync(), "/api/v1/licences", new
        {
            licenceId, number, holderId = ChipArranger.Manufacturer, consigneeId = licensee, endUserId = licensee, destination = "AE",
            modelIds = new[] { ChipArranger.Model }, quantity = 3, validFrom = "2026-01-01", validUntil = "2027-12-31",
        });

        var shipments = await Task.WhenAll(chips.Select(chipId => Task.Run(async () =>
        {
            var response = await host.SendAsync(HttpMethod.Post, $"/api/v1/chips/{chipId}/shipments", maker.Token,
                new { destinationCountry = "AE", consigneeId = licensee, endUserId = licensee, licenceId });
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.Created, $"{chipId}: {(int)response.StatusCode} {text}");
            using var body = JsonDocument.Parse(text);
            return body.RootElement.GetProperty("licenceCheck").GetProperty("result").GetString();
        })));

        Assert.Equal(["ok", "ok", "ok", "quantity_exceeded", "quantity_exceeded", "quantity_exceeded", "quantity_exceeded", "quantity_exceeded"], shipments.Order(StringComparer.Ordinal));
        using var licence = await host.GetJsonAsync(maker.Token, $"/api/v1/licences/{licenceId}");
        var usage = licence.RootElement.GetProperty("usage");
        Assert.Equal((8, 0), (usage.GetProperty("shipped").GetInt32(), usage.GetProperty("remaining").GetInt32()));
    }

    [Fact]
    public async Task a_licence_nothing_was_shipped_under_shows_its_whole_quantity_remaining()
    {
        var licenceId = await world.LicenceAsync(await world.LicenseeAsync());
        using var licence = await host.GetJsonAsync((await world.AgencyAsync()).Token, $"/api/v1/licences/{licenceId}");
        var usage = licence.RootElement.GetProperty("usage");
        Assert.Equal((0, 8), (usage.GetProperty("shipped").GetInt32(), usage.GetProperty("remaining").GetInt32()));
    }
}
