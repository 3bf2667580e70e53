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
        var founded = new LocalDate(2016, 1, 1);
        var cloud = await scene.RegisterOrganisationAsync("cloud", OrganisationKind.Operator, "US", founded, At, cancellationToken);
        var tenant = await scene.RegisterOrganisationAsync("cn-tenant", OrganisationKind.EndUser, "CN", founded, At, cancellationToken);
        var site = await scene.RegisterFacilityAsync("cloud-site", cloud, "US", (45.60m, -121.18m), 5m, 2, At, cancellationToken);

        var rented = await RentAsync(scene, cloud, site, 1, "rented", tenant.OrganisationId, 10, cancellationToken);
        scene.Expect("cluster", AnomalyScene.ClusterSubject(site.Id, rented), "256 chips rented for 10 days to a tenant headquartered in China");
        var brief = await RentAsync(scene, cloud, site, 2, "brief", tenant.OrganisationId, 6, cancellationToken);
        scene.NearMiss("cluster", AnomalyScene.ClusterSubject(site.Id, brief), "256 chips rented for 6 days to a tenant headquartered in China");

        scene.ExpectSiteConcentration(site, cloud, 2 * Minimum, "two clusters of 256 H100 installed on 2025-05-24");
    }

    /// <summary>
    /// The cluster's 256 H100 delivered, installed on the fifth day, rented to the tenant from the sixth for
    /// <paramref name="days"/> days and retired on the twenty-fifth (returns the cluster's id).
    /// </summary>
    private async Task<string> RentAsync(
        AnomalyScene scene, Domain.Common.Actor cloud, Domain.Facilities.Facility site, int cluster, string name, string tenantId, int days,
        CancellationToken cancellationToken)
    {
        var model = CatalogSeed.H100Sxm;
        var clusterId = AnomalyScene.ClusterId(site.Id, cluster);
        var installedAt = At.Plus(Day * 5);
        var from = installedAt.Plus(Day);
        var chips = await scene.FabricateAsync(name, model, Minimum, At, cancellationToken);
        await scene.DeliverAsync(chips, scene.Nvidia, cloud, model, At.Plus(Day), cancellationToken);
        await scene.InstallAsync(chips, cloud, site, clusterId, installedAt, cancellationToken);
        await scene.AssignTenantAsync(chips, cloud, tenantId, from, from.Plus(Day * days), cancellationToken);
        await scene.RetireAsync(chips, cloud, installedAt.Plus(Day * 20), cancellationToken);
        return clusterId;
    }
}
