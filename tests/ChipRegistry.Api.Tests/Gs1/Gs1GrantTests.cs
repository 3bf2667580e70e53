using System.Net;
using ChipRegistry.Api.Tests.Authorization;
using ChipRegistry.Domain.Gs1;
using ChipRegistry.Domain.Organisations;

namespace ChipRegistry.Api.Tests.Gs1;

public sealed class Gs1GrantTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    private readonly RegistryWorld world = new(host);

    [Fact]
    public async Task the_registry_grants_a_prefix_and_its_holder_maps_a_gtin_to_its_model()
    {
        var maker = await world.MakerAsync();
        var grant = await Gs1Setup.GrantAsync(host, maker);

        using var prefix = await host.GetJsonAsync(maker.Token, $"/api/v1/gs1/prefixes/{grant.CompanyPrefix}");
        using var gtin = await host.GetJsonAsync(maker.Token, $"/api/v1/gs1/gtins/{grant.Gtin}");
        Assert.Equal(maker.OrganisationId, prefix.RootElement.GetProperty("manufacturerId").GetString());
        Assert.Equal((grant.ModelId, grant.CompanyPrefix), (gtin.RootElement.GetProperty("modelId").GetString(), gtin.RootElement.GetProperty("companyPrefix").GetString()));
    }

    [Fact]
    public async Task a_prefix_has_one_holder_and_never_overlaps_another()
    {
        var maker = await world.MakerAsync();
        var other = await world.PartyAsync("gs1-other-maker", OrganisationKind.Manufacturer, "KR");
        var prefix = await Gs1Setup.GrantPrefixAsync(host, maker.OrganisationId);
        var before = await world.EventCountAsync();

        foreach (var (candidate, code) in new[] { (prefix, "prefix_already_granted"), (prefix[..8], "prefix_overlaps"), (prefix + "12", "prefix_overlaps") })
        {
            var refused = await host.SendAsync(HttpMethod.Post, "/api/v1/gs1/prefixes", ApiFixture.AdminKey, new { companyPrefix = candidate, manufacturerId = other.OrganisationId });
            Assert.Equal((HttpStatusCode.Conflict, code), (refused.StatusCode, await ApiFixture.ProblemCodeAsync(refused)));
        }
        Assert.Equal(before, await world.EventCountAsync());
    }

    [Theory]
    [InlineData("12345", "invalid_company_prefix")]
    [InlineData("12345678901234", "invalid_company_prefix")]
    [InlineData("06141A1", "invalid_company_prefix")]
    public async Task a_malformed_prefix_is_refused(string companyPrefix, string code)
    {
        var refused = await host.SendAsync(HttpMethod.Post, "/api/v1/gs1/prefixes", ApiFixture.AdminKey, new { companyPrefix, manufacturerId = (await world.MakerAsync()).OrganisationId });
        Assert.Equal((HttpStatusCode.UnprocessableEntity, code), (refused.StatusCode, await ApiFixture.ProblemCodeAsync(refused)));
    }

    [Fact]
    public async Task a_prefix_goes_only_to_a_registered_manufacturer()
    {
        var refused = await host.SendAsync(HttpMethod.Post, "/api/v1/gs1/prefixes", ApiFixture.AdminKey,
            new { companyPrefix = Gs1Setup.FreshPrefix(), manufacturerId = (await world.ExporterAsync()).OrganisationId });
        Assert.Equal((HttpStatusCode.Forbidden, "not_manufacturer"), (refused.StatusCode, await ApiFixture.ProblemCodeAsync(refused)));
    }

    [Fact]
    public async Task a_gtin_maps_to_one_model_of_its_prefix_holder()
    {
        var maker = await world.MakerAsync();
        var other = await world.PartyAsync("gs1-other-maker", OrganisationKind.Manufacturer, "KR");
        var grant = await Gs1Setup.GrantAsync(host, maker);
        var secondModel = await Gs1Setup.ModelAsync(host, maker);
        var othersModel = await Gs1Setup.ModelAsync(host, other);
        var unmappedUnderPrefix = Gtins.FromSgtinParts(grant.CompanyPrefix, "0" + "9".PadLeft(12 - grant.CompanyPrefix.Length, '0'))!;
        var ungranted = Gtins.FromSgtinParts("8" + Gs1Setup.FreshPrefix()[1..], "005")!;
        var before = await world.EventCountAsync();

        foreach (var (caller, gtin, modelId, status, code) in new[]
        {
            (maker, grant.Gtin, secondModel, HttpStatusCode.Conflict, "gtin_already_mapped"),
            (other, unmappedUnderPrefix, othersModel, HttpStatusCode.Conflict, "not_prefix_holder"),
            (maker, unmappedUnderPrefix, othersModel, HttpStatusCode.Conflict, "not_model_manufacturer"),
            (maker, unmappedUnderPrefix, "acme-no-such-model", HttpStatusCode.NotFound, "model_not_registered"),
            (maker, ungranted, secondModel, HttpStatusCode.Conflict, "prefix_not_granted"),
            (maker, grant.Gtin[..13] + (char)('0' + (grant.Gtin[13] - '0' + 1) % 10), secondModel, HttpStatusCode.UnprocessableEntity, "invalid_gtin"),
            (maker, "1061414107346", secondModel, HttpStatusCode.UnprocessableEntity, "invalid_gtin"),
        })
        {
            var refused = await host.SendAsync(HttpMethod.Post, "/api/v1/gs1/gtins", caller.Token, new { gtin, modelId });
            Assert.Equal((status, code), (refused.StatusCode, await ApiFixture.ProblemCodeAsync(refused)));
        }
        Assert.Equal(before, await world.EventCountAsync());
    }

    [Theory]
    [InlineData("0614141", "107346", "10614141073464")]    // the GS1 samples' GTIN, as GS1's own examples print it
    [InlineData("4012345", "011111", "04012345111118")]
    [InlineData("0614141", "812345", "80614141123458")]
    public void an_sgtin_names_its_gtin_14_with_the_indicator_first_and_the_check_digit_computed(string prefix, string itemReference, string gtin)
    {
        Assert.Equal(gtin, Gtins.FromSgtinParts(prefix, itemReference));
        Assert.True(Gtins.IsGtin14(gtin));
    }
}
