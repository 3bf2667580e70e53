using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Detection.LateReport;
using ChipRegistry.Domain.Tests.Chips;
using ChipRegistry.Domain.Tests.Persistence;
using NodaTime;
using static ChipRegistry.Domain.Tests.Detection.DetectionScenario;

namespace ChipRegistry.Domain.Tests.Detection.LateReport;

/// <summary>
/// Rule 17 on the daemon: a shipment or receipt recorded (the latest tick before it) more than 30 days after its
/// business time is one flag per recording act, opened at that tick; 29 days raises none; a shipment whose licence
/// answer differs between its stated and recorded dates is flagged high however soon it was recorded; a void
/// withdraws the flag; a rebuild gives the same flags.
/// </summary>
public sealed class LateReportProjectionTests(RegistryStoreFixture fixture) : IClassFixture<RegistryStoreFixture>
{
    private Task<DetectionScenario> StartAsync() =>
        DetectionScenario.StartAsync(fixture, serializer => new LateReportProjection(serializer), LateReportProjection.FlagsTable);

    [Fact]
    public async Task a_shipment_and_a_receipt_recorded_45_days_late_are_flagged_at_the_tick_and_29_days_is_not()
    {
        await using var scenario = await StartAsync();
        var late = await scenario.MadeAsync("late", 2, On(2025, 1, 1));
        var nearMiss = await scenario.MadeAsync("near", 1, On(2025, 1, 1));
        var recorded = On(2025, 4, 15);
        await scenario.TickAsync(recorded);
        var shipments = await scenario.ShipAsync(late, Nvidia, UsOp.OrganisationId, "US", On(2025, 3, 1));
        await scenario.ShipAsync(nearMiss, Nvidia, UsOp.OrganisationId, "US", On(2025, 3, 17));
        await scenario.ReceiveAsync(late.Take(1), UsOp, "US", On(2025, 3, 5));
        await scenario.ReceiveAsync(nearMiss, UsOp, "US", On(2025, 3, 18));

        var flags = await scenario.FlagsAsync();
        Assert.Equal(2, flags.Count);
        var shipped = Assert.Single(flags, f => f.Subject.Id == "nvidia");
        var evidence = await scenario.SeqIdsAsync(shipments);
        Assert.Equal(FlagIds.Of(17, new FlagSubject(FlagSubjectKinds.Organisation, "nvidia"), evidence[0]), shipped.Id);
        Assert.Equal((recorded, (Instant?)null, false, FlagSeverities.Medium, "US"), (shipped.OpenedAt, shipped.ClosedAt, shipped.Withdrawn, shipped.Severity, shipped.Country));
        Assert.Equal(evidence, shipped.Evidence);
        Assert.Equal("2 chips shipped by nvidia to US on 2025-03-01 were recorded on 2025-04-15, 45 days later (more than 30)", shipped.Explanation);
        var received = Assert.Single(flags, f => f.Subject.Id == "us-op");
        Assert.Equal([late[0]], received.Chips);
        Assert.Equal("1 chip received by us-op in US on 2025-03-05 was recorded on 2025-04-15, 41 days later (more than 30)", received.Explanation);

        var before = flags.Select(FlagText.Of).ToList();
        await scenario.RebuildAsync(LateReportProjection.Prefix);
        Assert.Equal(before, (await scenario.FlagsAsync()).Select(FlagText.Of));
    }

    [Fact]
    public async Task a_shipment_backdated_before_a_licence_requirement_is_high_however_soon_recorded_and_one_under_the_same_answer_is_not()
    {
        await using var scenario = await StartAsync();
        var backdated = await scenario.MadeAsync("backdated", 1, On(2022, 7, 1));
        var same = await scenario.MadeAsync("same", 1, On(2022, 7, 1));
        await scenario.TickAsync(On(2022, 8, 27));
        // The individual notice of 2022-08-26 requires a licence for the H100 to China: not on 2022-08-20, yes on 2022-08-27.
        await scenario.ShipAsync(backdated, Nvidia, CnBuyer.OrganisationId, "CN", On(2022, 8, 20));
        await scenario.ShipAsync(same, Nvidia, CnBuyer.OrganisationId, "CN", On(2022, 8, 26, 13));

        var flag = Assert.Single(await scenario.FlagsAsync());
        Assert.Equal((FlagSeverities.High, On(2022, 8, 27), "CN"), (flag.Severity, flag.OpenedAt, flag.Country));
        Assert.Equal([backdated[0]], flag.Chips);
        Assert.Equal("1 chip shipped by nvidia to CN on 2022-08-20 was recorded on 2022-08-27, 7 days later; the licence answer was "
            + "not_required on the stated date and required on the recorded date", flag.Explanation);
    }

    [Fact]
    public async Task voiding_the_late_shipments_withdraws_the_flag_and_a_rebuild_reproduces_it()
    {
        await using var scenario = await StartAsync();
        var chips = await scenario.MadeAsync("void", 2, On(2025, 1, 1));
        await scenario.TickAsync(On(2025, 6, 1));
        var shipments = await scenario.ShipAsync(chips, Nvidia, UsOp.OrganisationId, "US", On(2025, 3, 1));
        var opened = Assert.Single(await scenario.FlagsAsync());

        await scenario.RunAsync(new VoidChipEvent(ChipWorld.Id(), chips[0], shipments[0], "never left", Nvidia, On(2025, 6, 1, 13)));
        var partly = Assert.Single(await scenario.FlagsAsync());
        Assert.Equal((opened.Id, false, 1), (partly.Id, partly.Withdrawn, partly.Evidence.Count));

        await scenario.RunAsync(new VoidChipEvent(ChipWorld.Id(), chips[1], shipments[1], "never left", Nvidia, On(2025, 6, 1, 13)));
        var withdrawn = Assert.Single(await scenario.FlagsAsync());
        Assert.Equal((opened.Id, true), (withdrawn.Id, withdrawn.Withdrawn));

        var flags = (await scenario.FlagsAsync()).Select(FlagText.Of).ToList();
        await scenario.RebuildAsync(LateReportProjection.Prefix);
        Assert.Equal(flags, (await scenario.FlagsAsync()).Select(FlagText.Of));
    }
}
