using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Facilities;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.World.Sinks;
using ChipRegistry.World.Cast;
using NodaTime;

namespace ChipRegistry.World;

/// <summary>
/// Everything but the chips, appended through the domain's commands in business-time order: organisations and their
/// effective-dated parents, the catalog (with a manufacturer's revision, an agency's finding and one more
/// manufacturer's model), facilities, clusters and later power declarations.
/// </summary>
internal static class ReferenceWorld
{
    /// <summary>Cambricon's model: every figure an estimate from secondary sources, so it stays clearly labelled.</summary>
    public static AcceleratorSpec CambriconMlu370 { get; } = new(
        "cambricon-mlu370-x8", "Cambricon", "MLU370-X8",
        [new ThroughputFigure("BF16/FP16", 96m, 16, Estimated: true), new ThroughputFigure("INT8", 256m, 8, Estimated: true)],
        null, Figure.Est(614m), Figure.Est(200m), true, Figure.Est(250m), "MLU-Link");

    public static async Task AppendAsync(IWorldSink commands, WorldOrganisations organisations, WorldFacilities facilities, WorldReport report, CancellationToken cancellationToken)
    {
        var registry = BuiltInOrganisations.RegistryAdmin;
        var acts = new List<(Instant At, string What, Func<Task<WorldOutcome>> Run)>();
        foreach (var o in organisations.All)
        {
            var at = Max(WorldSettings.Start, o.FoundedOn.AtStartOfDayInZone(DateTimeZone.Utc).ToInstant());
            acts.Add((at, $"registering {o.Id}", () => commands.SendAsync(new RegisterOrganisation(o.Id, o.Name, o.Kind, o.Country, o.FoundedOn, registry, at), cancellationToken)));
        }
        foreach (var link in WorldOrganisations.ParentLinks)
        {
            var at = Max(WorldSettings.Start, link.RecordedOn.AtStartOfDayInZone(DateTimeZone.Utc).ToInstant()).Plus(Duration.FromHours(1));
            acts.Add((at, $"the parent of {link.OrganisationId}", () => commands.SendAsync(
                new ChangeOrganisationParent(link.OrganisationId, link.ParentId, link.EffectiveFrom, registry, at), cancellationToken)));
        }
        var catalogAt = WorldSettings.Start.Plus(Duration.FromHours(2));
        acts.Add((catalogAt, "the catalog", async () =>
        {
            report.Record(await commands.SeedCatalogAsync(registry, catalogAt, cancellationToken), "the catalog");
            return WorldOutcome.Nothing;
        }));
        acts.Add((catalogAt, "cambricon's model", () => commands.SendAsync(
            new RegisterAcceleratorModel(CambriconMlu370, organisations[WorldOrganisations.Cambricon].Actor, catalogAt), cancellationToken)));
        var revisedAt = Instant.FromUtc(2024, 6, 3, 9, 0);
        acts.Add((revisedAt, "amd's revision of the MI300X", () => commands.SendAsync(new ReviseAcceleratorSpec(
            CatalogSeed.Mi300X.ModelId, CatalogSeed.Mi300X with { LogicDieAreaMm2 = new Figure(1017m) }, "logic die area published",
            organisations[WorldOrganisations.Amd].Actor, revisedAt), cancellationToken)));
        var foundAt = Instant.FromUtc(2024, 10, 1, 9, 0);
        acts.Add((foundAt, "the agency's finding on the Ascend 910B", () => commands.SendAsync(new RecordSpecFinding(
            CatalogSeed.Ascend910B.ModelId, CatalogSeed.Ascend910B with { Throughput = [new ThroughputFigure("BF16/FP16", 376m, 16, Estimated: true)] },
            "teardown measurement of dense BF16 throughput", organisations[WorldOrganisations.Agency].Actor, foundAt), cancellationToken)));
        foreach (var f in facilities.All)
        {
            var actor = organisations[f.OperatorId].Actor;
            var at = Max(f.OpenedAt, Max(WorldSettings.Start, organisations[f.OperatorId].FoundedOn.AtStartOfDayInZone(DateTimeZone.Utc).ToInstant())).Plus(Duration.FromHours(3));
            acts.Add((at, $"registering {f.Id}", () => commands.SendAsync(
                new RegisterFacility(f.Id, f.Name, f.Country, f.Latitude, f.Longitude, f.DeclaredPowerMw, actor, at), cancellationToken)));
            foreach (var (cluster, n) in f.Clusters.Select((c, n) => (c, n)))
            {
                var clusterAt = at.Plus(Duration.FromMinutes(10 * (n + 1)));
                acts.Add((clusterAt, $"registering {cluster}", () => commands.SendAsync(
                    new RegisterCluster(f.Id, cluster, $"Cluster {n + 1}", actor, clusterAt), cancellationToken)));
            }
        }
        foreach (var p in WorldFacilities.PowerDeclarations)
        {
            var actor = organisations[facilities.ById[p.FacilityId].OperatorId].Actor;
            acts.Add((p.At, $"the power of {p.FacilityId}", () => commands.SendAsync(new DeclareFacilityPower(p.FacilityId, p.DeclaredPowerMw, actor, p.At), cancellationToken)));
        }
        // A stable sort: acts at one instant keep the order above (an organisation before its parent link).
        foreach (var act in acts.OrderBy(a => a.At))
        {
            report.Record(await act.Run(), act.What);
        }
    }

    private static Instant Max(Instant a, Instant b) => a > b ? a : b;
}
