using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Detection.OverCapacity;
using ChipRegistry.Domain.Facilities;
using ChipRegistry.Domain.Tests.Chips;
using ChipRegistry.Domain.Tests.Persistence;
using NodaTime;
using static ChipRegistry.Domain.Tests.Detection.DetectionScenario;

namespace ChipRegistry.Domain.Tests.Detection.OverCapacity;

/// <summary>
/// Rule 10 on the daemon: two H100s (700 W each, x 1.3 PUE = 1,820 W) at a facility declaring 1,500 W are one medium
/// flag on the facility at the installation that crosses it; the same two at a facility declaring 2,000 W raise none;
/// removing one brings it back under and closes the flag; a declaration cut to 900 W (over twice) is high; voiding an
/// installation withdraws the flag its episode raised; a rebuild gives the same flags.
/// </summary>
public sealed class OverCapacityProjectionTests(RegistryStoreFixture fixture) : IClassFixture<RegistryStoreFixture>
{
    private static readonly Instant Installed = On(2025, 3, 20);

    private Task<DetectionScenario> StartAsync() =>
        DetectionScenario.StartAsync(fixture, serializer => new OverCapacityProjection(serializer), OverCapacityProjection.FlagsTable);

    /// <summary>H100s made, delivered to us-op in the US and installed at <paramref name="facility"/> on 2025-03-20 12:00.</summary>
    private static async Task<(string[] Chips, Guid[] Installations)> InstalledAsync(DetectionScenario scenario, string name, int count, Facility facility)
    {
        var chips = await scenario.MadeAsync(name, count, On(2025, 1, 1));
        await scenario.ShipAsync(chips, Nvidia, UsOp.OrganisationId, "US", On(2025, 3, 2));
        await scenario.ReceiveAsync(chips, UsOp, "US", On(2025, 3, 9));
        var installations = new List<Guid>();
        foreach (var chip in chips) installations.Add(await scenario.RunAsync(new InstallChip(ChipWorld.Id(), chip, facility, "c1", "r1", UsOp, Installed)));
        return (chips, [.. installations]);
    }

    [Fact]
    public async Task chips_drawing_more_than_the_declared_power_are_flagged_until_back_under_and_a_site_with_room_is_not()
    {
        await using var scenario = await StartAsync();
        var tight = await SiteArrange.FacilityAsync(scenario, "f-tight", "US", 35.1m, -90.0m, declaredPowerMw: 0.0015m);
        var roomy = await SiteArrange.FacilityAsync(scenario, "f-roomy", "US", 35.1m, -90.0m, declaredPowerMw: 0.002m);
        var (chips, installations) = await InstalledAsync(scenario, "tight", 2, tight);
        await InstalledAsync(scenario, "roomy", 2, roomy);

        var flag = Assert.Single(await scenario.FlagsAsync());
        var installed = await scenario.SeqIdsAsync(installations);
        Assert.Equal(FlagIds.Of(10, new FlagSubject(FlagSubjectKinds.Facility, tight.Id), installed[0]), flag.Id);
        Assert.Equal((Installed, (Instant?)null, false, FlagSeverities.Medium, "US"), (flag.OpenedAt, flag.ClosedAt, flag.Withdrawn, flag.Severity, flag.Country));
        Assert.Equal([.. chips.Order(StringComparer.Ordinal)], flag.Chips);
        Assert.Equal($"2 chips installed at {tight.Id} draw 0.0014 MW x 1.3 PUE = 0.0018 MW from 2025-03-20, above its declared 0.0015 MW", flag.Explanation);

        await scenario.RunAsync(new RemoveChip(ChipWorld.Id(), chips[1], "maintenance", UsOp, On(2025, 4, 1)));
        var closed = Assert.Single(await scenario.FlagsAsync());
        Assert.Equal((flag.Id, On(2025, 4, 1)), (closed.Id, closed.ClosedAt));
        Assert.EndsWith("; back under on 2025-04-01", closed.Explanation, StringComparison.Ordinal);

        (await scenario.Registry.Commands.HandleAsync(new DeclareFacilityPower(tight.Id, 0.0004m, UsOp, On(2025, 5, 1)),
            cancellationToken: TestContext.Current.CancellationToken)).EnsureAccepted();
        var flags = await scenario.FlagsAsync();
        var high = Assert.Single(flags, f => f.OpenedAt == On(2025, 5, 1));
        Assert.Equal((FlagSeverities.High, (Instant?)null), (high.Severity, high.ClosedAt));

        var before = flags.Select(FlagText.Of).ToList();
        await scenario.RebuildAsync(OverCapacityProjection.Prefix);
        Assert.Equal(before, (await scenario.FlagsAsync()).Select(FlagText.Of));
    }

    [Fact]
    public async Task voiding_the_installation_that_crossed_withdraws_the_flag()
    {
        await using var scenario = await StartAsync();
        var tight = await SiteArrange.FacilityAsync(scenario, "f-void", "US", 35.1m, -90.0m, declaredPowerMw: 0.0015m);
        var (chips, installations) = await InstalledAsync(scenario, "void", 2, tight);
        var opened = Assert.Single(await scenario.FlagsAsync());

        await scenario.RunAsync(new VoidChipEvent(ChipWorld.Id(), chips[1], installations[1], "installed elsewhere", UsOp, On(2025, 3, 21)));
        var withdrawn = Assert.Single(await scenario.FlagsAsync());
        Assert.Equal((opened.Id, true), (withdrawn.Id, withdrawn.Withdrawn));
    }
}
