using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Organisations;
using NodaTime;

namespace ChipRegistry.World.Anomalies;

/// <summary>
/// Rule 12: two H100 installed and never attested for 40 days, then retired. The near miss: two more at another site,
/// attested on the 29th day after their installation, retired as the others.
/// </summary>
internal sealed class AttestationSilenceInjector : IAnomalyInjector
{
    private static readonly Duration Day = Duration.FromDays(1);

    public int Rule => 12;

    public Instant At { get; } = Instant.FromUtc(2025, 5, 12, 10, 0);

    public Instant Last => At.Plus(Day * 45);

    public async Task InjectAsync(AnomalyScene scene, CancellationToken cancellationToken)
    {
        var model = CatalogSeed.H100Sxm;
        var op = await scene.RegisterOrganisationAsync("op", OrganisationKind.Operator, "US", new LocalDate(2016, 1, 1), At, cancellationToken);
        var silent = await scene.RegisterFacilityAsync("silent", op, "US", (41.26m, -95.86m), 5m, 1, At, cancellationToken);
        var attested = await scene.RegisterFacilityAsync("attested", op, "US", (41.23m, -95.94m), 5m, 1, At, cancellationToken);
        var installedAt = At.Plus(Day * 5);

        var quiet = await scene.FabricateAsync("silent", model, 2, At, cancellationToken);
        await scene.DeliverAsync(quiet, scene.Nvidia, op, model, At.Plus(Day), cancellationToken);
        await scene.InstallAsync(quiet, op, silent, AnomalyScene.ClusterId(silent.Id, 1), installedAt, cancellationToken);
        await scene.RetireAsync(quiet, op, installedAt.Plus(Day * 40), cancellationToken);
        scene.Expect("facility", silent.Id, "2 chips installed 2025-05-17 and not attested for 40 days");

        var heard = await scene.FabricateAsync("attested", model, 2, At, cancellationToken);
        await scene.DeliverAsync(heard, scene.Nvidia, op, model, At.Plus(Day), cancellationToken);
        await scene.InstallAsync(heard, op, attested, AnomalyScene.ClusterId(attested.Id, 1), installedAt, cancellationToken);
        await scene.AttestAsync(heard, op, attested, installedAt.Plus(Day * 29), cancellationToken);
        await scene.RetireAsync(heard, op, installedAt.Plus(Day * 40), cancellationToken);
        scene.NearMiss("facility", attested.Id, "2 chips installed 2025-05-17, attested on the 29th day");
    }
}
