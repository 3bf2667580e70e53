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

/// <summary>The ledgers have no relation; the shipment ledger needs its year.</summary>
public sealed class LedgerArrangement(ApiFixture host) : IMatrixArrangement
{
    public IReadOnlyCollection<string> Endpoints { get; } = ["GET /api/v1/ledgers/shipments", "GET /api/v1/ledgers/china-us-ratio"];

    public Task<ArrangedCall> ArrangeAsync(string endpoint, MatrixCaller caller, bool related)
    {
        _ = host;
        return Task.FromResult(endpoint.EndsWith("/shipments", StringComparison.Ordinal)
            ? new ArrangedCall("/api/v1/ledgers/shipments?year=2026&by=country")
            : new ArrangedCall("/api/v1/ledgers/china-us-ratio"));
    }
}
