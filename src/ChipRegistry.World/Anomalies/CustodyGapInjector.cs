using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Organisations;
using NodaTime;

namespace ChipRegistry.World.Anomalies;

/// <summary>
/// Rule 1: two H100 shipped from Taiwan to a US buyer and never received (a custody gap, its 30 days of an international
/// shipment passed); the near miss, two more to another buyer, received on the 29th day.
/// </summary>
internal sealed class CustodyGapInjector : IAnomalyInjector
{
    public int Rule => 1;

    public Instant At { get; } = Instant.FromUtc(2025, 5, 5, 10, 0);

    public Instant Last => At.Plus(Duration.FromDays(31));

    public async Task InjectAsync(AnomalyScene scene, CancellationToken cancellationToken)
    {
        var founded = new LocalDate(2019, 1, 1);
        var lost = await scene.RegisterOrganisationAsync("lost", OrganisationKind.Operator, "US", founded, At, cancellationToken);
        var punctual = await scene.RegisterOrganisationAsync("punctual", OrganisationKind.Operator, "US", founded, At, cancellationToken);
        var model = CatalogSeed.H100Sxm;
        var shipAt = At.Plus(Duration.FromDays(1));

        var neverReceived = await scene.FabricateAsync("lost", model, 2, At, cancellationToken);
        await scene.ShipAsync(neverReceived, scene.Nvidia, lost, "US", "US", model, shipAt, cancellationToken);
        scene.Expect("organisation", lost.OrganisationId, "2 chips shipped from TW to US, never received (international: 30 days)");

        var inTime = await scene.FabricateAsync("punctual", model, 2, At, cancellationToken);
        await scene.ShipAsync(inTime, scene.Nvidia, punctual, "US", "US", model, shipAt, cancellationToken);
        await scene.ReceiveAsync(inTime, punctual, "US", shipAt.Plus(Duration.FromDays(29)), cancellationToken);
        scene.NearMiss("organisation", punctual.OrganisationId, "2 chips shipped from TW to US, received on the 29th day");
    }
}
