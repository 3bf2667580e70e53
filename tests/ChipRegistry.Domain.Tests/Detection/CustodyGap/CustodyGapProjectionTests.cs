using ChipRegistry.Domain.Detection.CustodyGap;
using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Detection.Thresholds;
using ChipRegistry.Domain.Tests.Chips;
using ChipRegistry.Domain.Tests.Persistence;
using NodaTime;
using static ChipRegistry.Domain.Tests.Detection.DetectionScenario;

namespace ChipRegistry.Domain.Tests.Detection.CustodyGap;

/// <summary>
/// Rule 1 on the daemon, judged only at clock ticks: a shipping act not received within its deadline raises one flag
/// explained with its count, opened at the deadline; a receipt on time raises none; a receipt by anyone closes it; a
/// receipt dated before the deadline but recorded after a tick passed it withdraws it; a rebuild gives the same flags.
/// </summary>
public sealed class CustodyGapProjectionTests(RegistryStoreFixture fixture) : IClassFixture<RegistryStoreFixture>
{
    private static readonly Instant Shipped = On(2025, 3, 2);

    private Task<DetectionScenario> StartAsync() =>
        DetectionScenario.StartAsync(fixture, serializer => new CustodyGapProjection(serializer), CustodyGapProjection.FlagsTable);

    [Fact]
    public async Task a_lot_not_received_within_thirty_days_is_one_flag_opened_at_the_deadline_and_explained_with_its_count()
    {
        await using var scenario = await StartAsync();
        var chips = await scenario.MadeAsync("lot", 3, On(2025, 1, 1));
        var shipments = await scenario.ShipAsync(chips, Nvidia, SgForwarder.OrganisationId, "SG", Shipped);
        await scenario.TickAsync(Shipped + Duration.FromDays(29));
        Assert.Empty(await scenario.FlagsAsync());

        await scenario.TickAsync(Shipped + Duration.FromDays(31));
        var flag = Assert.Single(await scenario.FlagsAsync());
        var evidence = await scenario.SeqIdsAsync(shipments);
        Assert.Equal(FlagIds.Of(1, new FlagSubject(FlagSubjectKinds.Organisation, "sg-fwd"), evidence[0]), flag.Id);
        Assert.Equal(Shipped + Duration.FromDays(30), flag.OpenedAt);
        Assert.Null(flag.ClosedAt);
        Assert.False(flag.Withdrawn);
        Assert.Equal(FlagSeverities.High, flag.Severity);
        Assert.Equal("SG", flag.Country);
        Assert.Equal(evidence, flag.Evidence);
        Assert.Equal(chips.Order(StringComparer.Ordinal), flag.Chips);
        Assert.Equal("3 chips shipped by nvidia to SG on 2025-03-02 not received by the consignee sg-fwd within 30 days (international)", flag.Explanation);
    }

    [Fact]
    public async Task a_receipt_on_the_twenty_ninth_day_and_a_deadline_no_tick_has_reached_raise_nothing()
    {
        await using var scenario = await StartAsync();
        var onTime = await scenario.MadeAsync("ontime", 2, On(2025, 1, 1));
        await scenario.ShipAsync(onTime, Nvidia, SgForwarder.OrganisationId, "SG", Shipped);
        await scenario.ReceiveAsync(onTime, SgForwarder, "SG", Shipped + Duration.FromDays(29));
        // Domestic: ten days, and the latest tick is before this one's deadline.
        var domestic = await scenario.MadeAsync("domestic", 1, On(2025, 1, 1));
        await scenario.ShipAsync(domestic, Nvidia, UsOp.OrganisationId, "US", Shipped + Duration.FromDays(22));
        await scenario.TickAsync(Shipped + Duration.FromDays(31));
        Assert.Empty(await scenario.FlagsAsync());

        await scenario.TickAsync(Shipped + Duration.FromDays(33));
        var flag = Assert.Single(await scenario.FlagsAsync());
        Assert.Equal(Shipped + Duration.FromDays(32), flag.OpenedAt);
        Assert.Equal(FlagSeverities.Medium, flag.Severity);
        Assert.Equal("1 chip shipped by nvidia to US on 2025-03-24 not received by the consignee us-op within 10 days (domestic)", flag.Explanation);
    }

    [Fact]
    public async Task the_flag_closes_when_its_last_late_chip_is_received_by_anyone_and_a_threshold_change_moves_the_deadline()
    {
        await using var scenario = await StartAsync();
        await scenario.ThresholdAsync(DetectionThresholds.CustodyGapInternationalDays, "45", On(2025, 1, 1));
        var chips = await scenario.MadeAsync("closing", 2, On(2025, 1, 1));
        await scenario.ShipAsync(chips, Nvidia, SgForwarder.OrganisationId, "SG", Shipped);
        await scenario.TickAsync(Shipped + Duration.FromDays(31));
        Assert.Empty(await scenario.FlagsAsync());

        await scenario.TickAsync(Shipped + Duration.FromDays(46));
        Assert.Null(Assert.Single(await scenario.FlagsAsync()).ClosedAt);
        await scenario.ReceiveAsync(chips[..1], SgForwarder, "SG", Shipped + Duration.FromDays(50));
        Assert.Null(Assert.Single(await scenario.FlagsAsync()).ClosedAt);
        // A receipt by another party is rule 2's concern; the custody gap still ends.
        await scenario.ReceiveAsync(chips[1..], MyBroker, "MY", Shipped + Duration.FromDays(52));

        var flag = Assert.Single(await scenario.FlagsAsync());
        Assert.Equal(Shipped + Duration.FromDays(45), flag.OpenedAt);
        Assert.Equal(Shipped + Duration.FromDays(52), flag.ClosedAt);
        Assert.False(flag.Withdrawn);
        Assert.Equal(4, flag.Evidence.Count);
        Assert.Equal(
            "2 chips shipped by nvidia to SG on 2025-03-02 not received by the consignee sg-fwd within 45 days (international); the last was received on 2025-04-23",
            flag.Explanation);
    }

    [Fact]
    public async Task a_receipt_dated_before_the_deadline_recorded_after_a_tick_passed_it_withdraws_the_flag()
    {
        await using var scenario = await StartAsync();
        var chips = await scenario.MadeAsync("withdrawn", 2, On(2025, 1, 1));
        await scenario.ShipAsync(chips, Nvidia, SgForwarder.OrganisationId, "SG", Shipped);
        await scenario.TickAsync(Shipped + Duration.FromDays(31));
        var opened = Assert.Single(await scenario.FlagsAsync());
        Assert.False(opened.Withdrawn);

        await scenario.ReceiveAsync(chips, SgForwarder, "SG", Shipped + Duration.FromDays(20));
        var flag = Assert.Single(await scenario.FlagsAsync());
        Assert.Equal(opened.Id, flag.Id);
        Assert.True(flag.Withdrawn);
        Assert.Equal("withdrawn: all 2 chips shipped by nvidia to SG on 2025-03-02 were received by 2025-04-01, reported after the deadline passed", flag.Explanation);
    }

    [Fact]
    public async Task a_shipment_reported_after_its_deadline_opens_at_the_next_tick_and_a_rebuild_reproduces_every_flag_and_id()
    {
        await using var scenario = await StartAsync();
        var late = await scenario.MadeAsync("late", 2, On(2025, 1, 1));
        var withdrawn = await scenario.MadeAsync("wd", 1, On(2025, 1, 1));
        await scenario.ShipAsync(withdrawn, Nvidia, CnBuyer.OrganisationId, "CN", Shipped);
        await scenario.TickAsync(Shipped + Duration.FromDays(40));
        await scenario.ReceiveAsync(withdrawn, CnBuyer, "CN", Shipped + Duration.FromDays(3));
        // Reported after a tick passed its deadline: judged at the next tick, not at the report.
        await scenario.ShipAsync(late, Nvidia, SgForwarder.OrganisationId, "SG", Shipped);
        var beforeTick = await scenario.FlagsAsync();
        Assert.Equal([true], beforeTick.Select(f => f.Withdrawn));
        await scenario.TickAsync(Shipped + Duration.FromDays(41));
        await scenario.ReceiveAsync(late[..1], SgForwarder, "SG", Shipped + Duration.FromDays(42));

        var flags = (await scenario.FlagsAsync()).Select(FlagText.Of).ToList();
        Assert.Equal(2, flags.Count);
        await scenario.RebuildAsync(CustodyGapProjection.Prefix);
        Assert.Equal(flags, (await scenario.FlagsAsync()).Select(FlagText.Of));
    }
}
