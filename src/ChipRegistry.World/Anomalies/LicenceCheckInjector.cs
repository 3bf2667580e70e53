using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Organisations;
using NodaTime;

namespace ChipRegistry.World.Anomalies;

/// <summary>
/// Rule 16: a US exporter buys two H100 from NVIDIA and ships them on to a buyer in China without the licence they need
/// (the recorded check says <c>missing</c>; both received within the week). The near miss: another exporter ships its two
/// to Japan, where none is needed.
/// </summary>
internal sealed class LicenceCheckInjector : IAnomalyInjector
{
    private static readonly Duration Day = Duration.FromDays(1);

    public int Rule => 16;

    public Instant At { get; } = Instant.FromUtc(2025, 7, 7, 10, 0);

    public Instant Last => At.Plus(Day * 36);

    public async Task InjectAsync(AnomalyScene scene, CancellationToken cancellationToken)
    {
        var founded = new LocalDate(2018, 1, 1);
        var exporter = await scene.RegisterOrganisationAsync("exporter", OrganisationKind.Distributor, "US", founded, At, cancellationToken);
        var chinaBuyer = await scene.RegisterOrganisationAsync("cn-buyer", OrganisationKind.Operator, "CN", founded, At, cancellationToken);
        await ExportAsync(scene, exporter, chinaBuyer, "CN", "unlicensed", cancellationToken);
        scene.Expect("organisation", exporter.OrganisationId, "2 H100 shipped from the US to China without a licence (missing)");

        var other = await scene.RegisterOrganisationAsync("lawful-exporter", OrganisationKind.Distributor, "US", founded, At, cancellationToken);
        var japanBuyer = await scene.RegisterOrganisationAsync("jp-buyer", OrganisationKind.Operator, "JP", founded, At, cancellationToken);
        await ExportAsync(scene, other, japanBuyer, "JP", "lawful", cancellationToken);
        scene.NearMiss("organisation", other.OrganisationId, "2 H100 shipped from the US to Japan, where no licence is needed");
    }

    private async Task ExportAsync(AnomalyScene scene, Domain.Common.Actor exporter, Domain.Common.Actor buyer, string country, string name, CancellationToken cancellationToken)
    {
        var model = CatalogSeed.H100Sxm;
        var chips = await scene.FabricateAsync(name, model, 2, At, cancellationToken);
        await scene.SellAsync(chips, scene.Nvidia, exporter, At.Plus(Day), cancellationToken);
        await scene.ShipAsync(chips, scene.Nvidia, exporter, "US", "US", model, At.Plus(Day * 3), cancellationToken);
        await scene.ReceiveAsync(chips, exporter, "US", At.Plus(Day * 6), cancellationToken);
        await scene.ShipAsync(chips, exporter, buyer, country, country, model, At.Plus(Day * 30), cancellationToken);
        await scene.ReceiveAsync(chips, buyer, country, At.Plus(Day * 35), cancellationToken);
    }
}
