using ChipRegistry.Api.Tests.Gs1;
using ChipRegistry.Domain.Gs1;

namespace ChipRegistry.Api.Tests.Authorization.Arrangements;

/// <summary>
/// GS1 prefixes and GTINs: a grant names a fresh prefix and the matrix's manufacturer; a mapping names a GTIN under a
/// fresh prefix granted to the caller (when it is a manufacturer) and the caller's own model; reads name a granted
/// prefix and a mapped GTIN. Only the role decides the answer.
/// </summary>
public sealed class Gs1Arrangement(ApiFixture host) : IMatrixArrangement
{
    public IReadOnlyCollection<string> Endpoints { get; } =
    [
        "POST /api/v1/gs1/prefixes",
        "GET /api/v1/gs1/prefixes/{companyPrefix}",
        "POST /api/v1/gs1/gtins",
        "GET /api/v1/gs1/gtins/{gtin}",
    ];

    public async Task<ArrangedCall> ArrangeAsync(string endpoint, MatrixCaller caller, bool related)
    {
        var world = new RegistryWorld(host);
        switch (endpoint)
        {
            case "POST /api/v1/gs1/prefixes":
                return new ArrangedCall("/api/v1/gs1/prefixes", new { companyPrefix = Gs1Setup.FreshPrefix(), manufacturerId = (await world.MakerAsync()).OrganisationId });
            case "POST /api/v1/gs1/gtins":
                if (caller.Role != "manufacturer")
                {
                    return new ArrangedCall("/api/v1/gs1/gtins", new { gtin = "10614141073464", modelId = RegistryWorld.ModelId });
                }
                var modelId = await Gs1Setup.ModelAsync(host, caller);
                var prefix = await Gs1Setup.GrantPrefixAsync(host, caller.OrganisationId);
                return new ArrangedCall("/api/v1/gs1/gtins", new { gtin = Gtins.FromSgtinParts(prefix, "0" + "7".PadLeft(12 - prefix.Length, '0')), modelId });
            case "GET /api/v1/gs1/prefixes/{companyPrefix}":
                return new ArrangedCall($"/api/v1/gs1/prefixes/{await Gs1Setup.GrantPrefixAsync(host, (await world.MakerAsync()).OrganisationId)}");
            default:
                return new ArrangedCall($"/api/v1/gs1/gtins/{(await Gs1Setup.GrantAsync(host, await world.MakerAsync())).Gtin}");
        }
    }
}
