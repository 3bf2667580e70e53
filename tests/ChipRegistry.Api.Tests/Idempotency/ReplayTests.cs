using System.Net;
using System.Text.Json;
using ChipRegistry.Api.Chips.Lifecycle;
using ChipRegistry.Api.Chips.Lots;
using ChipRegistry.Api.Facilities;
using ChipRegistry.Api.Organisations;
using ChipRegistry.Api.Tests.Chips;
using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Organisations;
using static ChipRegistry.Api.Tests.Chips.ChipApi;

namespace ChipRegistry.Api.Tests.Idempotency;

/// <summary>
/// A retry under the same Idempotency-Key gets the first answer as it was sent: status, Content-Type, ETag, Location
/// and body bytes, for a chip act, a lot and entity writes, whose responses are kept with their events.
/// </summary>
public sealed class ReplayTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task a_replayed_chip_act_carries_the_first_etag_and_body()
    {
        var chip = await new ChipArranger(host).FabricatedAsync();
        var token = (await host.IssueKeyAsync(ChipArranger.Manufacturer, "manufacturer")).Token;

        var (first, retry) = await TwiceAsync($"/api/v1/chips/{chip}/sale-offer", token, new SaleOfferRequest(ChipArranger.Buyer));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal("\"2\"", first.Headers.ETag?.ToString());
        await AssertReplayedAsync(first, retry);
        Assert.Equal(2L, await host.ChipVersionAsync(chip));
    }

    [Fact]
    public async Task a_replayed_lot_carries_the_first_body()
    {
        var token = (await host.OrganisationKeyAsync("nvidia", OrganisationKind.Manufacturer, "TW")).Token;
        var serials = Enumerable.Range(0, 2).Select(_ => $"nvidia:{Guid.NewGuid():N}").ToArray();
        var before = await host.EventCountAsync();

        var (first, retry) = await TwiceAsync("/api/v1/lots", token, new LotRequest(ChipArranger.FreshId("tw"), CatalogSeed.H100Sxm.ModelId, "TW", null, serials));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        await AssertReplayedAsync(first, retry);
        Assert.Equal(before + 2, await host.EventCountAsync());
    }

    [Fact]
    public async Task a_replayed_organisation_registration_carries_the_first_location_and_body()
    {
        var id = ChipArranger.FreshId("org");

        var (first, retry) = await TwiceAsync("/api/v1/organisations", ApiFixture.AdminKey,
            new RegisterOrganisationRequest(id, "Replayed Org", "operator", "DE", new DateOnly(2021, 3, 1)));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal($"/api/v1/organisations/{id}", first.Headers.Location?.OriginalString);
        await AssertReplayedAsync(first, retry);
    }

    [Fact]
    public async Task a_replayed_facility_registration_carries_the_first_location_and_body()
    {
        var token = (await host.OrganisationKeyAsync("replay-op", OrganisationKind.Operator, "US")).Token;
        var id = ChipArranger.FreshId("fac");

        var (first, retry) = await TwiceAsync("/api/v1/facilities", token, new RegisterFacilityRequest(id, "Replay Hall", "US", 35.1m, -90.1m, 12.5m));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal($"/api/v1/facilities/{id}", first.Headers.Location?.OriginalString);
        await AssertReplayedAsync(first, retry);
    }

    [Fact]
    public async Task concurrent_duplicates_of_a_chip_act_append_once_and_all_get_the_first_answer()
    {
        var chip = await new ChipArranger(host).FabricatedAsync();
        var token = (await host.IssueKeyAsync(ChipArranger.Manufacturer, "manufacturer")).Token;
        var json = JsonSerializer.Serialize(new SaleOfferRequest(ChipArranger.Buyer), ApiFixture.Json);
        var key = new Dictionary<string, string> { ["Idempotency-Key"] = Guid.NewGuid().ToString() };

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => host.PostRawAsync($"/api/v1/chips/{chip}/sale-offer", token, json, key)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        Assert.All(responses, r => Assert.Equal("\"2\"", r.Headers.ETag?.ToString()));
        Assert.Single((await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync(Cancel)))).Distinct());
        Assert.Equal(5, responses.Count(r => r.Headers.Contains("Idempotent-Replayed")));
        Assert.Equal(2L, await host.ChipVersionAsync(chip));
    }

    private async Task<(HttpResponseMessage First, HttpResponseMessage Retry)> TwiceAsync(string path, string token, object body)
    {
        var json = JsonSerializer.Serialize(body, body.GetType(), ApiFixture.Json);
        var key = new Dictionary<string, string> { ["Idempotency-Key"] = Guid.NewGuid().ToString() };
        var first = await host.PostRawAsync(path, token, json, key);
        var retry = await host.PostRawAsync(path, token, json, key);
        return (first, retry);
    }

    private static async Task AssertReplayedAsync(HttpResponseMessage first, HttpResponseMessage retry)
    {
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.True(retry.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(first.StatusCode, retry.StatusCode);
        Assert.Equal(first.Headers.ETag?.ToString(), retry.Headers.ETag?.ToString());
        Assert.Equal(first.Headers.Location?.OriginalString, retry.Headers.Location?.OriginalString);
        Assert.Equal(first.Content.Headers.ContentType?.ToString(), retry.Content.Headers.ContentType?.ToString());
        Assert.Equal(await first.Content.ReadAsByteArrayAsync(Cancel), await retry.Content.ReadAsByteArrayAsync(Cancel));
    }
}
