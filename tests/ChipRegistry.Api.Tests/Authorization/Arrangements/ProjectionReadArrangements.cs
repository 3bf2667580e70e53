using ChipRegistry.Domain.Organisations;

namespace ChipRegistry.Api.Tests.Authorization.Arrangements;

/// <summary>An inventory: with the relation the caller's own; without it a fresh organisation's.</summary>
public sealed class InventoryArrangement(ApiFixture host) : IMatrixArrangement
{
    public IReadOnlyCollection<string> Endpoints { get; } = ["GET /api/v1/organisations/{organisationId}/inventory"];

    public async Task<ArrangedCall> ArrangeAsync(string endpoint, MatrixCaller caller, bool related)
    {
        if (related) return new ArrangedCall($"/api/v1/organisations/{caller.OrganisationId}/inventory");
        var other = RegistryWorld.FreshId("holder");
        await host.RegisterOrganisationAsync(other, OrganisationKind.Operator, "US");
        return new ArrangedCall($"/api/v1/organisations/{other}/inventory");
    }
}
