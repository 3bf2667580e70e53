using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Detection.TransshipmentHop;
using ChipRegistry.Domain.Tests.Chips;
using ChipRegistry.Domain.Tests.Persistence;
using NodaTime;
using static ChipRegistry.Domain.Tests.Detection.DetectionScenario;

namespace ChipRegistry.Domain.Tests.Detection.TransshipmentHop;

/// <summary>
/// Rule 6 on the daemon: chips received in Singapore (a watch-list hub) and shipped on to another country within 14
/// days are one flag per re-export act, opened at the re-export; 15 days, or a re-export from a country that is not a
/// hub, raise none; a re-export to China is critical; voiding the re-export withdraws the flag; a rebuild gives the same flags.
/// </summary>
public sealed class TransshipmentHopProjectionTests(RegistryStoreFixture fixture) : IClassFixture<RegistryStoreFixture>
{
    private static readonly Instant Arrived = On(2025, 3, 1);

    private Task<DetectionScenario> StartAsync() =>
        DetectionScenario.StartAsync(fixture, serializer => new TransshipmentHopProjection(serializer), TransshipmentHopProjection.FlagsTable);

    private static async Task<(string[] Chips, Guid[] Receipts)> ArrivedAsync(DetectionScenario scenario, string name, int count, Actor consignee, string country)
    {
        var chips = await scenario.MadeAsync(name, count, On(2025, 1, 1));
        await scenario.ShipAsync(chips, Nvidia, consignee.OrganisationId, country, On(2025, 2, 20));
        var receipts = new List<Guid>();
        foreach (var chip in chips) receipts.Add(await scenario.RunAsync(new ReceiveChip(ChipWorld.Id(), chip, country, consignee, Arrived)));
        return (chips, [.. receipts]);
    }

    [Fact]
    public async Task a_re_export_from_singapore_8_days_after_arrival_is_flagged_and_15_days_or_a_non_hub_origin_is_not()
    {
        await using var scenario = await StartAsync();
        var (quick, receipts) = await ArrivedAsync(scenario, "quick", 2, SgForwarder, "SG");
        var (slow, _) = await ArrivedAsync(scenario, "slow", 1, SgForwarder, "SG");
        var (fromUs, _) = await ArrivedAsync(scenario, "us", 1, UsOp, "US");
        var reexports = await scenario.ShipAsync(quick, SgForwarder, MyBroker.OrganisationId, "MY", On(2025, 3, 9));
        await scenario.ShipAsync(slow, SgForwarder, MyBroker.OrganisationId, "MY", On(2025, 3, 16));
        await scenario.ShipAsync(fromUs, UsOp, MyBroker.OrganisationId, "MY", On(2025, 3, 2));

        var flag = Assert.Single(await scenario.FlagsAsync());
        var shipped = await scenario.SeqIdsAsync(reexports);
        Assert.Equal(FlagIds.Of(6, new FlagSubject(FlagSubjectKinds.Organisation, "sg-fwd"), shipped[0]), flag.Id);
        Assert.Equal((On(2025, 3, 9), (Instant?)null, false, FlagSeverities.High, "MY"), (flag.OpenedAt, flag.ClosedAt, flag.Withdrawn, flag.Severity, flag.Country));
        Assert.Equal([.. (await scenario.SeqIdsAsync(receipts)).Concat(shipped).Order()], flag.Evidence);
        Assert.Equal(quick.Order(StringComparer.Ordinal), flag.Chips);
        Assert.Equal("2 chips received in the hub SG from 2025-03-01 were shipped on by sg-fwd to my-broker in MY on 2025-03-09, 8 days after arrival (within 14)",
            flag.Explanation);
    }

    [Fact]
    public async Task a_re_export_to_china_is_critical_and_voiding_it_withdraws_the_flag_and_a_rebuild_reproduces_it()
    {
        await using var scenario = await StartAsync();
        var (chips, _) = await ArrivedAsync(scenario, "cn", 1, SgForwarder, "SG");
        var reexport = await scenario.ShipAsync(chips, SgForwarder, CnBuyer.OrganisationId, "CN", On(2025, 3, 5));
        var opened = Assert.Single(await scenario.FlagsAsync());
        Assert.Equal((FlagSeverities.Critical, "CN", false), (opened.Severity, opened.Country, opened.Withdrawn));

        await scenario.RunAsync(new VoidChipEvent(ChipWorld.Id(), chips[0], reexport[0], "never left", SgForwarder, On(2025, 3, 6)));
        var withdrawn = Assert.Single(await scenario.FlagsAsync());
        Assert.Equal((opened.Id, true), (withdrawn.Id, withdrawn.Withdrawn));

        var flags = (await scenario.FlagsAsync()).Select(FlagText.Of).ToList();
        await scenario.RebuildAsync(TransshipmentHopProjection.Prefix);
        Assert.Equal(flags, (await scenario.FlagsAsync()).Select(FlagText.Of));
    }
}
