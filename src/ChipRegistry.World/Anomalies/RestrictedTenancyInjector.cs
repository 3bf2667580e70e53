using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Organisations;
using NodaTime;

namespace ChipRegistry.World.Anomalies;

/// <summary>
/// Rule 13: a US cloud rents a cluster of 256 H100 (the minimum) to a tenant headquartered in China for ten days. The
/// near miss: the same tenant rents the cloud's other cluster of 256 for six days, less than the seven that count.
/// Both clusters are retired twenty days after their installation. At the site rule 14 may see 512 H100e at once.
/// </summary>
internal sealed class RestrictedTenancyInjector : IAnomalyInjector
{
    private const int Minimum = 256;
    private static readonly Duration Day = Duration.FromDays(1);

    public int Rule => 13;

    public Instant At { get; } = Instant.FromUtc(2025, 5, 19, 10, 0);

    public Instant Last => At.Plus(Day * 25);

    public async Task InjectAsync(AnomalyScene scene, CancellationToken cancellationToken)
    {
        var model = CatalogSeed.H100Sxm;
        var founded = new LocalDate(2016, 1, 1);
        var cloud = await scene.RegisterOrganisationAsync("cloud", OrganisationKind.Operator, "US", founded, At, cancellationToken);
        var tenant = await scene.RegisterOrganisationAsync("cn-tenant", OrganisationKind.EndUser, "CN", founded, At, cancellationToken);
        var site = await scene.RegisterFacilityAsync("cloud-site", cloud, "US", (45.60m, -121.18m), 5m, 2, At, cancellationToken);
        var installedAt = At.Plus(Day * 5);
        var from = installedAt.Plus(Day);

        var rented = AnomalyScene.ClusterId(site.Id, 1);
        var chips = await scene.FabricateAsync("rented", model, Minimum, At, cancellationToken);
        await scene.DeliverAsync(chips, scene.Nvidia, cloud, model, At.Plus(Day), cancellationToken);
        await scene.InstallAsync(chips, cloud, site, rented, installedAt, cancellationToken);
        await scene.AssignTenantAsync(chips, cloud, tenant.OrganisationId, from, from.Plus(Day * 10), cancellationToken);
        await scene.RetireAsync(chips, cloud, installedAt.Plus(Day * 20), cancellationToken);
        scene.Expect("cluster", AnomalyScene.ClusterSubject(site.Id, rented), "256 chips rented for 10 days to a tenant headquartered in China");

        var brief = AnomalyScene.ClusterId(site.Id, 2);
        var others = await scene.FabricateAsync("brief", model, Minimum, At, cancellationToken);
        await scene.DeliverAsync(others, scene.Nvidia, cloud, model, At.Plus(Day), cancellationToken);
        await scene.InstallAsync(others, cloud, site, brief, installedAt, cancellationToken);
        await scene.AssignTenantAsync(others, cloud, tenant.OrganisationId, from, from.Plus(Day * 6), cancellationToken);
        await scene.RetireAsync(others, cloud, installedAt.Plus(Day * 20), cancellationToken);
        scene.NearMiss("cluster", AnomalyScene.ClusterSubject(site.Id, brief), "256 chips rented for 6 days to a tenant headquartered in China");

        scene.ExpectSiteConcentration(site, cloud, 2 * Minimum, "two clusters of 256 H100 installed on 2025-05-24");
    }
}
