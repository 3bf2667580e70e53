using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Organisations;
using NodaTime;

namespace ChipRegistry.World.Anomalies;

/// <summary>
/// Rule 8: a US operator takes delivery of 256 H100 (the minimum) and installs none of them for 90 days. The near
/// miss: another takes 255 and leaves them as idle.
/// </summary>
internal sealed class IdleInventoryInjector : IAnomalyInjector
{
    private const int Minimum = 256;

    public int Rule => 8;

    public Instant At { get; } = Instant.FromUtc(2025, 4, 21, 10, 0);

    public Instant Last => At.Plus(Duration.FromDays(4));

    public async Task InjectAsync(AnomalyScene scene, CancellationToken cancellationToken)
    {
        var founded = new LocalDate(2016, 1, 1);
        var model = CatalogSeed.H100Sxm;
        var hoarder = await scene.RegisterOrganisationAsync("hoarder", OrganisationKind.Operator, "US", founded, At, cancellationToken);
        await scene.DeliverAsync(await scene.FabricateAsync("hoarder", model, Minimum, At, cancellationToken), scene.Nvidia, hoarder, model, At.Plus(Duration.FromDays(1)), cancellationToken);
        scene.Expect("organisation", hoarder.OrganisationId, "256 chips delivered on 2025-04-25, none installed 90 days later");

        var short_ = await scene.RegisterOrganisationAsync("short", OrganisationKind.Operator, "US", founded, At, cancellationToken);
        await scene.DeliverAsync(await scene.FabricateAsync("short", model, Minimum - 1, At, cancellationToken), scene.Nvidia, short_, model, At.Plus(Duration.FromDays(1)), cancellationToken);
        scene.NearMiss("organisation", short_.OrganisationId, "255 chips delivered on 2025-04-25, none installed 90 days later");
    }
}
