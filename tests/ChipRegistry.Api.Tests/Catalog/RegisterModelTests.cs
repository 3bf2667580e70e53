using System.Net;
using System.Text.Json;
using ChipRegistry.Domain.Organisations;

namespace ChipRegistry.Api.Tests.Catalog;

public sealed class RegisterModelTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    private readonly RegistryWorld world = new(host);

    private static string Spec(string modelId, string extra = "", int bitLength = 16) =>
        $$"""{"modelId":"{{modelId}}","vendor":"Acme","name":"X2","throughput":[{"precision":"BF16","denseTeraOps":500,"bitLength":{{bitLength}}}],"logicDieAreaMm2":500,"memoryBandwidthGBs":3000,"interconnectBandwidthGBs":700,"dataCenterDesign":true,"tdpWatts":600{{extra}}}""";

    [Fact]
    public async Task a_manufacturer_registers_its_model_and_the_catalog_computes_its_figures()
    {
        var maker = await host.OrganisationKeyAsync("acme-chips", OrganisationKind.Manufacturer);

        var registered = await world.PostRawAsync(maker.Token, "/api/v1/models", Spec("acme-chips-x2"));

        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        using var model = await host.GetJsonAsync(maker.Token, "/api/v1/models/acme-chips-x2");
        Assert.Equal("acme-chips", model.RootElement.GetProperty("manufacturerId").GetString());
        Assert.Equal(8000m, model.RootElement.GetProperty("tpp").GetDecimal());
        Assert.Equal(16m, model.RootElement.GetProperty("performanceDensity").GetDecimal());
    }

    [Theory]
    [InlineData("acme-bad-dup", "", 16, 409, "model_already_registered")]
    [InlineData("acme-bad-x3", "", 0, 422, "invalid_spec")]
    [InlineData("acme-bad-x3", ",\"tpp\":1", 16, 400, "unknown_field")]
    [InlineData("", "", 16, 422, "invalid_spec")]
    public async Task bad_model_registrations_get_their_code_and_write_nothing(string modelId, string extra, int bitLength, int status, string code)
    {
        var maker = await host.OrganisationKeyAsync("acme-bad", OrganisationKind.Manufacturer);
        if (modelId == "acme-bad-dup")
        {
            await world.PostRawAsync(maker.Token, "/api/v1/models", Spec("acme-bad-dup"));
        }
        var before = await world.EventCountAsync();

        var response = await world.PostRawAsync(maker.Token, "/api/v1/models", Spec(modelId, extra, bitLength));

        Assert.Equal((status, code), ((int)response.StatusCode, await ApiFixture.ProblemCodeAsync(response)));
        Assert.Equal(before, await world.EventCountAsync());
    }
}
