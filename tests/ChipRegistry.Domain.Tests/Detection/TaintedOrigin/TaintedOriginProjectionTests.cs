using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Detection.TaintedOrigin;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.Domain.Tests.Chips;
using ChipRegistry.Domain.Tests.Persistence;
using NodaTime;
using static ChipRegistry.Domain.Tests.Detection.DetectionScenario;

namespace ChipRegistry.Domain.Tests.Detection.TaintedOrigin;

/// <summary>
/// Rule 15 on the daemon: Huawei Ascend 910B chips (designed in China, 3A090.a) installed together at a registered
/// facility are one medium flag on the facility at the installation; H100s installed beside them raise none; removing
/// every tainted chip closes it; voiding the installation withdraws it; a rebuild gives the same flags.
/// </summary>
public sealed class TaintedOriginProjectionTests(RegistryStoreFixture fixture) : IClassFixture<RegistryStoreFixture>
{
    private static readonly Actor Huawei = new("huawei", OrganisationKind.Manufacturer);
    private static readonly Instant Installed = On(2025, 3, 20);
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static async Task<DetectionScenario> StartAsync(RegistryStoreFixture fixture)
    {
        var scenario = await DetectionScenario.StartAsync(fixture, serializer => new TaintedOriginProjection(serializer), TaintedOriginProjection.FlagsTable);
        (await scenario.Registry.Commands.HandleAsync(new RegisterOrganisation("huawei", "huawei", OrganisationKind.Manufacturer, "CN", new LocalDate(2020, 1, 1),
            BuiltInOrganisations.RegistryAdmin, On(2024, 1, 1)), cancellationToken: Cancel)).EnsureAccepted();
        (await scenario.Registry.Commands.HandleAsync(new RegisterAcceleratorModel(CatalogSeed.Ascend910B, Huawei, On(2024, 1, 1)), cancellationToken: Cancel))
            .EnsureAccepted();
        return scenario;
    }

    /// <summary>Chips made by <paramref name="maker"/>, shipped to us-op in the US and received there.</summary>
    private static async Task<string[]> DeliveredAsync(DetectionScenario scenario, Actor maker, string modelId, string name, int count)
    {
        var chips = new string[count];
        for (var i = 0; i < count; i++)
        {
            chips[i] = $"{maker.OrganisationId}:{name}-{i}-{Guid.NewGuid():N}";
            await scenario.RunAsync(new RegisterChip(ChipWorld.Id(), chips[i], modelId, "lot-t", "CN", maker, On(2025, 1, 1)));
        }
        var spec = modelId == CatalogSeed.Ascend910B.ModelId ? CatalogSeed.Ascend910B : CatalogSeed.H100Sxm;
        foreach (var chip in chips)
        {
            await scenario.RunAsync(new ShipChip(ChipWorld.Id(), chip, "US", UsOp.OrganisationId, UsOp.OrganisationId, UsOp.OrganisationId, UsOp.OrganisationId,
                UsOp.OrganisationId, null, ChipWorld.Context(UsOp.OrganisationId, "US") with { Model = spec }, maker, On(2025, 3, 2)));
        }
        await scenario.ReceiveAsync(chips, UsOp, "US", On(2025, 3, 9));
        return chips;
    }

    [Fact]
    public async Task prc_designed_3a090_chips_installed_at_a_registered_site_are_flagged_until_removed_and_us_designed_ones_are_not()
    {
        await using var scenario = await StartAsync(fixture);
        var site = await SiteArrange.FacilityAsync(scenario, "f-us", "US", 35.1m, -90.0m);
        var ascends = await DeliveredAsync(scenario, Huawei, CatalogSeed.Ascend910B.ModelId, "ascend", 2);
        var h100s = await DeliveredAsync(scenario, Nvidia, CatalogSeed.H100Sxm.ModelId, "h100", 1);
        var installations = new List<Guid>();
        foreach (var chip in ascends.Concat(h100s)) installations.Add(await scenario.RunAsync(new InstallChip(ChipWorld.Id(), chip, site, "c1", "r1", UsOp, Installed)));

        var flag = Assert.Single(await scenario.FlagsAsync());
        var installed = await scenario.SeqIdsAsync(installations.Take(2));
        Assert.Equal(FlagIds.Of(15, new FlagSubject(FlagSubjectKinds.Facility, site.Id), installed[0]), flag.Id);
        Assert.Equal((Installed, (Instant?)null, false, FlagSeverities.Medium, "US"), (flag.OpenedAt, flag.ClosedAt, flag.Withdrawn, flag.Severity, flag.Country));
        Assert.Equal(installed, flag.Evidence);
        Assert.Equal([.. ascends.Order(StringComparer.Ordinal)], flag.Chips);
        Assert.Equal($"2 chips of huawei-ascend-910b (3a090.a), designed by huawei in China, were installed by us-op at {site.Id} in US on 2025-03-20",
            flag.Explanation);

        await scenario.RunAsync(new RemoveChip(ChipWorld.Id(), ascends[0], "returned", UsOp, On(2025, 4, 1)));
        Assert.Null(Assert.Single(await scenario.FlagsAsync()).ClosedAt);
        await scenario.RunAsync(new RemoveChip(ChipWorld.Id(), ascends[1], "returned", UsOp, On(2025, 4, 2)));
        var closed = Assert.Single(await scenario.FlagsAsync());
        Assert.Equal((flag.Id, On(2025, 4, 2)), (closed.Id, closed.ClosedAt));
        Assert.EndsWith("; the last was removed on 2025-04-02", closed.Explanation, StringComparison.Ordinal);

        var flags = (await scenario.FlagsAsync()).Select(FlagText.Of).ToList();
        await scenario.RebuildAsync(TaintedOriginProjection.Prefix);
        Assert.Equal(flags, (await scenario.FlagsAsync()).Select(FlagText.Of));
    }

    [Fact]
    public async Task voiding_the_installation_withdraws_the_flag()
    {
        await using var scenario = await StartAsync(fixture);
        var site = await SiteArrange.FacilityAsync(scenario, "f-us", "US", 35.1m, -90.0m);
        var ascends = await DeliveredAsync(scenario, Huawei, CatalogSeed.Ascend910B.ModelId, "void", 1);
        var installation = await scenario.RunAsync(new InstallChip(ChipWorld.Id(), ascends[0], site, "c1", "r1", UsOp, Installed));
        var opened = Assert.Single(await scenario.FlagsAsync());

        await scenario.RunAsync(new VoidChipEvent(ChipWorld.Id(), ascends[0], installation, "installed elsewhere", UsOp, On(2025, 3, 21)));
        var withdrawn = Assert.Single(await scenario.FlagsAsync());
        Assert.Equal((opened.Id, true), (withdrawn.Id, withdrawn.Withdrawn));
    }
}
