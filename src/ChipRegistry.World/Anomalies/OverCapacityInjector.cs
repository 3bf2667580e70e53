using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Organisations;
using NodaTime;

namespace ChipRegistry.World.Anomalies;

/// <summary>
/// Rule 10: two H100 (700 W each, 1,820 W with the PUE of 1.3) installed at a site that declared 1 kW. The near miss:
/// two more at a site that declared 2 kW. Both retired ten days later.
/// </summary>
internal sealed class OverCapacityInjector : IAnomalyInjector
{
    private static readonly Duration Day = Duration.FromDays(1);

    public int Rule => 10;

    public Instant At { get; } = Instant.FromUtc(2025, 4, 28, 10, 0);

    public Instant Last => At.Plus(Day * 15);

    public async Task InjectAsync(AnomalyScene scene, CancellationToken cancellationToken)
    {
        var model = CatalogSeed.H100Sxm;
        var op = await scene.RegisterOrganisationAsync("op", OrganisationKind.Operator, "US", new LocalDate(2016, 1, 1), At, cancellationToken);
        var tight = await scene.RegisterFacilityAsync("tight", op, "US", (33.45m, -112.07m), 0.001m, 1, At, cancellationToken);
        var roomy = await scene.RegisterFacilityAsync("roomy", op, "US", (33.42m, -111.94m), 0.002m, 1, At, cancellationToken);

        foreach (var (site, name) in new[] { (tight, "tight"), (roomy, "roomy") })
        {
            var chips = await scene.FabricateAsync(name, model, 2, At, cancellationToken);
            await scene.DeliverAsync(chips, scene.Nvidia, op, model, At.Plus(Day), cancellationToken);
            await scene.InstallAsync(chips, op, site, AnomalyScene.ClusterId(site.Id, 1), At.Plus(Day * 5), cancellationToken);
            await scene.RetireAsync(chips, op, At.Plus(Day * 15), cancellationToken);
        }
        scene.Expect("facility", tight.Id, "2 H100 drawing 1.82 kW with the PUE, at a site that declared 1 kW");
        scene.NearMiss("facility", roomy.Id, "2 H100 drawing 1.82 kW with the PUE, at a site that declared 2 kW");
    }
}
