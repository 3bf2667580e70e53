using System.Net;
using ChipRegistry.Api.Tests.Authorization;
using ChipRegistry.Domain.Gs1;

namespace ChipRegistry.Api.Tests.Gs1;

/// <summary>A manufacturer's own model, a fresh company prefix granted to it and a GTIN under the prefix mapped to the model.</summary>
public sealed record Gs1Grant(string CompanyPrefix, string ItemReference, string Gtin, string ModelId)
{
    /// <summary>The SGTIN pure-identity URN of <paramref name="serial"/> under this grant's GTIN.</summary>
    public string Sgtin(string serial) => $"urn:epc:id:sgtin:{CompanyPrefix}.{ItemReference}.{serial}";
}

public static class Gs1Setup
{
    /// <summary>A fresh 10-digit prefix (random: test classes share a host, and prefixes of one length never overlap unless equal).</summary>
    public static string FreshPrefix() => "9" + string.Concat(Guid.NewGuid().ToByteArray().Take(9).Select(b => (char)('0' + b % 10)));

    public static async Task<string> ModelAsync(ApiFixture host, MatrixCaller manufacturer)
    {
        var modelId = $"{manufacturer.OrganisationId}-{RegistryWorld.FreshId("m")}";
        var registered = await host.SendAsync(HttpMethod.Post, "/api/v1/models", manufacturer.Token, new
        {
            modelId, vendor = "Acme", name = "X1", throughput = new[] { new { precision = "BF16", denseTeraOps = 400m, bitLength = 16 } },
            logicDieAreaMm2 = 600m, memoryBandwidthGBs = 2000m, interconnectBandwidthGBs = 400m, dataCenterDesign = true, tdpWatts = 500m,
        });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        return modelId;
    }

    public static async Task<string> GrantPrefixAsync(ApiFixture host, string manufacturerId, string? prefix = null)
    {
        prefix ??= FreshPrefix();
        var granted = await host.SendAsync(HttpMethod.Post, "/api/v1/gs1/prefixes", ApiFixture.AdminKey, new { companyPrefix = prefix, manufacturerId });
        Assert.Equal(HttpStatusCode.Created, granted.StatusCode);
        return prefix;
    }

    /// <summary>Model, prefix and GTIN (indicator 0, item reference 1 padded to the prefix's length) for <paramref name="manufacturer"/>.</summary>
    public static async Task<Gs1Grant> GrantAsync(ApiFixture host, MatrixCaller manufacturer, string? prefix = null, string? modelId = null)
    {
        modelId ??= await ModelAsync(host, manufacturer);
        prefix = await GrantPrefixAsync(host, manufacturer.OrganisationId, prefix);
        var itemReference = "0" + "1".PadLeft(12 - prefix.Length, '0');
        var gtin = Gtins.FromSgtinParts(prefix, itemReference)!;
        var mapped = await host.SendAsync(HttpMethod.Post, "/api/v1/gs1/gtins", manufacturer.Token, new { gtin, modelId });
        Assert.Equal(HttpStatusCode.Created, mapped.StatusCode);
        return new Gs1Grant(prefix, itemReference, gtin, modelId);
    }
}
