using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Organisations;
using NodaTime;

namespace ChipRegistry.World.Anomalies;

/// <summary>
/// Rule 9: a US buyer founded five months earlier acquires 256 H100 (the minimum) in one order. Two near misses: another
/// as young acquires 255, and one founded 12 months and a day before its order of 256 is no longer new.
/// The chips stay in NVIDIA's custody (sold, not shipped), so no stock goes idle.
/// </summary>
internal sealed class NewEntityInjector : IAnomalyInjector
{
    private const int Minimum = 256;

    public int Rule => 9;

    public Instant At { get; } = Instant.FromUtc(2025, 6, 2, 10, 0);

    public Instant Last => At.Plus(Duration.FromMinutes(1));

    public async Task InjectAsync(AnomalyScene scene, CancellationToken cancellationToken)
    {
        var model = CatalogSeed.H100Sxm;
        var young = new LocalDate(2025, 1, 10);
        var newco = await scene.RegisterOrganisationAsync("newco", OrganisationKind.Operator, "US", young, At, cancellationToken);
        await scene.SellAsync(await scene.FabricateAsync("newco", model, Minimum, At, cancellationToken), scene.Nvidia, newco, At, cancellationToken);
        scene.Expect("organisation", newco.OrganisationId, "founded 2025-01-10, acquires 256 chips on 2025-06-02");

        var small = await scene.RegisterOrganisationAsync("small", OrganisationKind.Operator, "US", young, At, cancellationToken);
        await scene.SellAsync(await scene.FabricateAsync("small", model, Minimum - 1, At, cancellationToken), scene.Nvidia, small, At, cancellationToken);
        scene.NearMiss("organisation", small.OrganisationId, "founded 2025-01-10, acquires 255 chips on 2025-06-02");

        // New through 2025-06-01 (founded + 12 months); on 2025-06-02 it is 12 months and a day old.
        var aged = await scene.RegisterOrganisationAsync("aged", OrganisationKind.Operator, "US", new LocalDate(2024, 6, 1), At, cancellationToken);
        await scene.SellAsync(await scene.FabricateAsync("aged", model, Minimum, At, cancellationToken), scene.Nvidia, aged, At, cancellationToken);
        scene.NearMiss("organisation", aged.OrganisationId, "founded 2024-06-01, acquires 256 chips on 2025-06-02, 12 months and a day later");
    }
}
