using System.Net;
using System.Text.Json;
using ChipRegistry.Domain.Organisations;

namespace ChipRegistry.Api.Tests.Catalog;

public sealed class CatalogEndpointTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task the_seeded_catalog_lists_every_model_of_domain_md_with_computed_figures_across_pages()
    {
        var reader = await host.OrganisationKeyAsync("catalog-reader", OrganisationKind.Distributor);
        var ids = new List<string>();
        string? after = null;
        do
        {
            using var page = await host.GetJsonAsync(reader.Token, after is null ? "/api/v1/models?limit=5" : $"/api/v1/models?limit=5&after={after}");
            ids.AddRange(page.RootElement.GetProperty("models").EnumerateArray().Select(m => m.GetProperty("modelId").GetString()!));
            after = page.RootElement.GetProperty("next").GetString();
        }
        while (after is not null);

        Assert.Equal(14, ids.Count);
        Assert.Equal(ids.Order(StringComparer.Ordinal), ids);
        Assert.Contains("huawei-ascend-910b", ids);
    }

    [Theory]
    [InlineData("nvidia-h100-sxm", 15831, "19.45", "3a090.a", "3a090")]
    [InlineData("nvidia-h20", 2368, "2.91", "outside_3a090", "outside_3a090")]
    [InlineData("nvidia-a800-sxm", 4992, "6.04", "3a090.a", "outside_3a090")]
    public async Task a_model_carries_tpp_density_and_both_vintages_classes(string modelId, int tpp, string density, string class2023, string class2022)
    {
        var reader = await host.OrganisationKeyAsync($"catalog-{modelId}", OrganisationKind.Operator);

        using var model = await host.GetJsonAsync(reader.Token, $"/api/v1/models/{modelId}");

        Assert.Equal(tpp, model.RootElement.GetProperty("tpp").GetDecimal());
        Assert.Equal(decimal.Parse(density, System.Globalization.CultureInfo.InvariantCulture), model.RootElement.GetProperty("performanceDensity").GetDecimal());
        Assert.Equal(class2023, model.RootElement.GetProperty("rule2023").GetProperty("class").GetString());
        Assert.Equal(class2022, model.RootElement.GetProperty("rule2022").GetProperty("class").GetString());
    }

    [Fact]
    public async Task an_unknown_model_is_404_not_found()
    {
        var reader = await host.OrganisationKeyAsync("catalog-404", OrganisationKind.Agency);

        var response = await host.SendAsync(HttpMethod.Get, "/api/v1/models/acme-x1", reader.Token);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("not_found", await ApiFixture.ProblemCodeAsync(response));
    }
}
