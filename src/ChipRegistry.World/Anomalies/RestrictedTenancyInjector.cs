using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Organisations;
using NodaTime;

namespace ChipRegistry.World.Anomalies;

/// <summary>
/// Rule 13: a US cloud rents a cluster of 256 H100 (the minimum) to a tenant headquartered in China for ten days. The
/// near miss: the same chips, moved to the cloud's other cluster, rented to the same tenant for six days, less than the
/// seven that count. Each stay lasts twenty days (rule 12's silence is 30); then the chips are retired. At the site
/// rule 14 may see 256 H100e at once.
/// </summary>
internal sealed class RestrictedTenancyInjector : IAnomalyInjector
{
    private const int Minimum = 256;
    private static readonly Duration Day = Duration.FromDays(1);

    public int Rule => 13;

    public Instant At { get; } = Instant.FromUtc(2025, 5, 19, 10, 0);

    public Instant Last => At.Plus(Day * 47);

    public async Task InjectAsync(AnomalyScene scene, CancellationToken cancellationToken)
    {
        var founded = new LocalDate(2016, 1, 1);
        var cloud = await scene.RegisterOrganisationAsync("cloud", OrganisationKind.Operator, "US", founded, At, cancellationToken);
        var tenant = await scene.RegisterOrganisationAsync("cn-tenant", OrganisationKind.EndUser, "CN", founded, At, cancellationToken);
        var site = await scene.RegisterFacilityAsync("cloud-site", cloud, "US", (45.60m, -121.18m), 5m, 2, At, cancellationToken);

        var chips = await scene.FabricateAsync("rented", CatalogSeed.H100Sxm, Minimum, At, cancellationToken);
        await scene.DeliverAsync(chips, scene.Nvidia, cloud, CatalogSeed.H100Sxm, At.Plus(Day), cancellationToken);
        var rented = await RentAsync(scene, cloud, site, chips, 1, At.Plus(Day * 5), tenant.OrganisationId, 10, cancellationToken);
        scene.Expect("cluster", AnomalyScene.ClusterSubject(site.Id, rented), "256 chips rented for 10 days to a tenant headquartered in China");
        var brief = await RentAsync(scene, cloud, site, chips, 2, At.Plus(Day * 26), tenant.OrganisationId, 6, cancellationToken);
        scene.NearMiss("cluster", AnomalyScene.ClusterSubject(site.Id, brief), "256 chips rented for 6 days to a tenant headquartered in China");
        await scene.DecommissionAsync(chips, cloud, At.Plus(Day * 46).Plus(Duration.FromHours(1)), cancellationToken);

        scene.ExpectSiteConcentration(site, cloud, Minimum, "a cluster of 256 H100 installed on 2025-05-24");
    }

    /// <summary>
    /// The chips installed in the cluster on <paramref name="installedAt"/>, rented to the tenant from the next day for
    /// <paramref name="days"/> days, and removed twenty days after their installation (returns the cluster's id).
    /// </summary>
    private static async Task<string> RentAsync(
        AnomalyScene scene, Domain.Common.Actor cloud, Domain.Facilities.Facility site, IReadOnlyList<string> chips, int cluster, Instant installedAt,
        string tenantId, int days, CancellationToken cancellationToken)
    {
        var clusterId = AnomalyScene.ClusterId(site.Id, cluster);
        var from = installedAt.Plus(Day);
        await scene.InstallAsync(chips, cloud, site, clusterId, installedAt, cancellationToken);
        await scene.AssignTenantAsync(chips, cloud, tenantId, from, from.Plus(Day * days), cancellationToken);
        await scene.RemoveAsync(chips, cloud, installedAt.Plus(Day * 20), cancellationToken);
        return clusterId;
    }
}
