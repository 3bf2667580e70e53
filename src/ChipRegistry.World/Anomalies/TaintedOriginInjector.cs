using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.World.Cast;
using NodaTime;

namespace ChipRegistry.World.Anomalies;

/// <summary>
/// Rule 15: two Huawei Ascend 910B (PRC-designed, 3A090-class under the 2023 rule) installed at a US site in 2025. The
/// near miss: two more installed at another site on 2023-08-07, before the 2023 rule, when the 2022 thresholds applied
/// and their 392 GB/s of interconnect kept them below 3A090. Both pairs retired ten days after installation. Huawei
/// makes the near miss's pair on 2023-02-01, outside every rule's lead.
/// </summary>
internal sealed class TaintedOriginInjector : IAnomalyInjector
{
    private static readonly Duration Day = Duration.FromDays(1);
    private static readonly Instant Recent = Instant.FromUtc(2025, 5, 26, 10, 0);

    public int Rule => 15;

    public Instant At { get; } = Instant.FromUtc(2023, 2, 1, 10, 0);

    public Instant Last => Recent.Plus(Day * 15);

    public async Task InjectAsync(AnomalyScene scene, CancellationToken cancellationToken)
    {
        var op = await scene.RegisterOrganisationAsync("op", OrganisationKind.Operator, "US", new LocalDate(2016, 1, 1), At, cancellationToken);
        var site = await scene.RegisterFacilityAsync("ascend-site", op, "US", (32.78m, -96.80m), 5m, 1, At, cancellationToken);
        var earlySite = await scene.RegisterFacilityAsync("early-site", op, "US", (32.75m, -97.33m), 5m, 1, At, cancellationToken);

        await LiveAsync(scene, op, earlySite, "early", At, Instant.FromUtc(2023, 8, 1, 10, 0), cancellationToken);
        scene.NearMiss("facility", earlySite.Id, "2 Huawei Ascend 910B installed on 2023-08-07, below 3A090 under the 2022 thresholds");
        await LiveAsync(scene, op, site, "recent", Recent, Recent.Plus(Day), cancellationToken);
        scene.Expect("facility", site.Id, "2 Huawei Ascend 910B installed on 2025-06-01, 3A090-class under the 2023 rule");
    }

    private static async Task LiveAsync(
        AnomalyScene scene, Domain.Common.Actor op, Domain.Facilities.Facility site, string name, Instant madeAt, Instant shippedAt, CancellationToken cancellationToken)
    {
        var model = CatalogSeed.Ascend910B;
        var huawei = scene.Manufacturer(WorldOrganisations.Huawei);
        var chips = await scene.FabricateAsync(name, model, 2, madeAt, cancellationToken, huawei, "CN");
        await scene.DeliverAsync(chips, huawei, op, model, shippedAt, cancellationToken);
        var installedAt = shippedAt.Plus(Day * 6);
        await scene.InstallAsync(chips, op, site, AnomalyScene.ClusterId(site.Id, 1), installedAt, cancellationToken);
        await scene.RetireAsync(chips, op, installedAt.Plus(Day * 10), cancellationToken);
    }
}
