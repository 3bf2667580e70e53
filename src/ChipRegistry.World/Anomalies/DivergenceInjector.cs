using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Organisations;
using NodaTime;

namespace ChipRegistry.World.Anomalies;

/// <summary>
/// Rule 5: two H100 billed to a distributor in Singapore, shipped to and received by a US operator, and never installed
/// (bill-to and ship-to differ; 60 days pass). The near miss: two more on the same terms to another operator, installed
/// in the US on the 59th day after their delivery (then retired).
/// </summary>
internal sealed class DivergenceInjector : IAnomalyInjector
{
    private static readonly Duration Day = Duration.FromDays(1);

    public int Rule => 5;

    public Instant At { get; } = Instant.FromUtc(2025, 4, 14, 10, 0);

    public Instant Last => At.Plus(Day * 75);

    public async Task InjectAsync(AnomalyScene scene, CancellationToken cancellationToken)
    {
        var founded = new LocalDate(2016, 1, 1);
        var billTo = await scene.RegisterOrganisationAsync("billto", OrganisationKind.Distributor, "SG", founded, At, cancellationToken);
        var idle = await scene.RegisterOrganisationAsync("idle", OrganisationKind.Operator, "US", founded, At, cancellationToken);
        var prompt = await scene.RegisterOrganisationAsync("prompt", OrganisationKind.Operator, "US", founded, At, cancellationToken);
        var site = await scene.RegisterFacilityAsync("prompt-site", prompt, "US", (39.04m, -77.49m), 5m, 1, At, cancellationToken);
        var model = CatalogSeed.H100Sxm;
        var shipAt = At.Plus(Day);
        var deliveredAt = shipAt.Plus(Day * 3);

        var parked = await scene.FabricateAsync("idle", model, 2, At, cancellationToken);
        await scene.ShipAsync(parked, scene.Nvidia, idle, "US", "US", model, shipAt, cancellationToken, billTo);
        await scene.ReceiveAsync(parked, idle, "US", deliveredAt, cancellationToken);
        scene.Expect("organisation", idle.OrganisationId, "2 chips billed to Singapore, delivered in the US, not installed within 60 days");

        var used = await scene.FabricateAsync("prompt", model, 2, At, cancellationToken);
        await scene.ShipAsync(used, scene.Nvidia, prompt, "US", "US", model, shipAt, cancellationToken, billTo);
        await scene.ReceiveAsync(used, prompt, "US", deliveredAt, cancellationToken);
        await scene.InstallAsync(used, prompt, site, AnomalyScene.ClusterId(site.Id, 1), deliveredAt.Plus(Day * 59), cancellationToken);
        await scene.RetireAsync(used, prompt, deliveredAt.Plus(Day * 69), cancellationToken);
        scene.NearMiss("organisation", prompt.OrganisationId, "2 chips billed to Singapore, delivered in the US, installed there on the 59th day");
    }
}
