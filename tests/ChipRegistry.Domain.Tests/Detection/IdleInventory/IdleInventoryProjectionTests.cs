using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Detection.IdleInventory;
using ChipRegistry.Domain.Detection.Thresholds;
using ChipRegistry.Domain.Tests.Chips;
using ChipRegistry.Domain.Tests.Persistence;
using NodaTime;
using static ChipRegistry.Domain.Tests.Detection.DetectionScenario;

namespace ChipRegistry.Domain.Tests.Detection.IdleInventory;

/// <summary>
/// Rule 8 on the daemon, with the minimum set to 3 chips by a threshold change: 3 chips delivered to one organisation
/// and not installed for 90 days open a flag at the deadline, once a tick reaches it; fewer idle chips (one installed on
/// day 88), or a tick before the deadline, raise none; an installation closes it; an installation dated before the
/// deadline recorded after the tick withdraws it; a rebuild gives the same flags.
/// </summary>
public sealed class IdleInventoryProjectionTests(RegistryStoreFixture fixture) : IClassFixture<RegistryStoreFixture>
{
    private static readonly Instant Delivered = On(2025, 1, 1);

    private async Task<DetectionScenario> StartAsync()
    {
        var scenario = await DetectionScenario.StartAsync(fixture, serializer => new IdleInventoryProjection(serializer), IdleInventoryProjection.FlagsTable);
        await scenario.ThresholdAsync(DetectionThresholds.IdleMinChips, "3", On(2020, 1, 1));
        return scenario;
    }

    private static async Task<(string[] Chips, long[] Receipts)> DeliveredAsync(DetectionScenario scenario, string name, int count, Actor consignee, string country)
    {
        var chips = await scenario.MadeAsync(name, count, On(2024, 12, 1));
        await scenario.ShipAsync(chips, Nvidia, consignee.OrganisationId, country, On(2024, 12, 20));
        var receipts = new List<Guid>();
        foreach (var chip in chips) receipts.Add(await scenario.RunAsync(new ReceiveChip(ChipWorld.Id(), chip, country, consignee, Delivered)));
        return (chips, await scenario.SeqIdsAsync(receipts));
    }

    private static Task<Guid> InstallAsync(DetectionScenario scenario, string chip, Actor @operator, string country, Instant at) =>
        scenario.RunAsync(new InstallChip(ChipWorld.Id(), chip, ChipWorld.FacilityOf(@operator.OrganisationId, "f-" + @operator.OrganisationId, country),
            "c1", "r1", @operator, at));

    [Fact]
    public async Task three_chips_idle_for_90_days_open_a_flag_at_the_deadline_and_an_installation_closes_it_and_fewer_raise_none()
    {
        await using var scenario = await StartAsync();
        var (idle, receipts) = await DeliveredAsync(scenario, "idle", 3, UsOp, "US");
        await DeliveredAsync(scenario, "short", 2, SgForwarder, "SG");
        var (partly, _) = await DeliveredAsync(scenario, "partly", 3, MyBroker, "MY");
        await InstallAsync(scenario, partly[0], MyBroker, "MY", On(2025, 3, 30));
        await scenario.TickAsync(On(2025, 4, 1, 11));
        Assert.Empty(await scenario.FlagsAsync());

        await scenario.TickAsync(On(2025, 4, 2));
        var flag = Assert.Single(await scenario.FlagsAsync());
        Assert.Equal(FlagIds.Of(8, new FlagSubject(FlagSubjectKinds.Organisation, "us-op"), receipts[0]), flag.Id);
        Assert.Equal((On(2025, 4, 1), (Instant?)null, false, FlagSeverities.Medium), (flag.OpenedAt, flag.ClosedAt, flag.Withdrawn, flag.Severity));
        Assert.Equal(receipts, flag.Evidence);
        Assert.Equal(idle.Order(StringComparer.Ordinal), flag.Chips);
        Assert.Equal("3 chips delivered to us-op from 2025-01-01 to 2025-01-01 were not installed for 90 days by 2025-04-01 (minimum 3)", flag.Explanation);

        await InstallAsync(scenario, idle[1], UsOp, "US", On(2025, 4, 10));
        var closed = Assert.Single(await scenario.FlagsAsync());
        Assert.Equal((flag.Id, (Instant?)On(2025, 4, 10), false), (closed.Id, closed.ClosedAt, closed.Withdrawn));
        Assert.EndsWith("; fewer than 3 stayed idle from 2025-04-10", closed.Explanation);
    }

    [Fact]
    public async Task an_installation_dated_before_the_deadline_recorded_after_the_tick_withdraws_the_flag_and_a_rebuild_reproduces_it()
    {
        await using var scenario = await StartAsync();
        var (chips, _) = await DeliveredAsync(scenario, "late", 3, UsOp, "US");
        await scenario.TickAsync(On(2025, 4, 2));
        var opened = Assert.Single(await scenario.FlagsAsync());

        await InstallAsync(scenario, chips[2], UsOp, "US", On(2025, 3, 15));
        var withdrawn = Assert.Single(await scenario.FlagsAsync());
        Assert.Equal((opened.Id, true, opened.OpenedAt), (withdrawn.Id, withdrawn.Withdrawn, withdrawn.OpenedAt));

        var flags = (await scenario.FlagsAsync()).Select(FlagText.Of).ToList();
        await scenario.RebuildAsync(IdleInventoryProjection.Prefix);
        Assert.Equal(flags, (await scenario.FlagsAsync()).Select(FlagText.Of));
    }
}
