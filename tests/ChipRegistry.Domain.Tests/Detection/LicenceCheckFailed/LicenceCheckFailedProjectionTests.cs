using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Detection.LicenceCheckFailed;
using ChipRegistry.Domain.Tests.Chips;
using ChipRegistry.Domain.Tests.Persistence;
using NodaTime;
using static ChipRegistry.Domain.Tests.Detection.DetectionScenario;

namespace ChipRegistry.Domain.Tests.Detection.LicenceCheckFailed;

/// <summary>
/// Rule 16 on the daemon: a shipping act whose stored licence check failed is one flag at the shipment's business
/// time; a shipment needing no licence raises none; voiding the shipment withdraws it; a rebuild gives the same flags.
/// </summary>
public sealed class LicenceCheckFailedProjectionTests(RegistryStoreFixture fixture) : IClassFixture<RegistryStoreFixture>
{
    private static readonly Instant Shipped = On(2025, 3, 2);

    private Task<DetectionScenario> StartAsync() =>
        DetectionScenario.StartAsync(fixture, _ => new LicenceCheckFailedProjection(), LicenceCheckFailedProjection.FlagsTable);

    [Fact]
    public async Task an_unlicensed_shipment_to_china_is_one_critical_flag_and_a_domestic_one_raises_none()
    {
        await using var scenario = await StartAsync();
        var toChina = await scenario.MadeAsync("cn", 2, On(2025, 1, 1));
        var shipments = await scenario.ShipAsync(toChina, Nvidia, CnBuyer.OrganisationId, "CN", Shipped);
        var domestic = await scenario.MadeAsync("us", 1, On(2025, 1, 1));
        await scenario.ShipAsync(domestic, Nvidia, UsOp.OrganisationId, "US", Shipped);

        var flag = Assert.Single(await scenario.FlagsAsync());
        var evidence = await scenario.SeqIdsAsync(shipments);
        Assert.Equal(FlagIds.Of(16, new FlagSubject(FlagSubjectKinds.Organisation, "nvidia"), evidence[0]), flag.Id);
        Assert.Equal((Shipped, (Instant?)null, false, FlagSeverities.Critical, "CN"), (flag.OpenedAt, flag.ClosedAt, flag.Withdrawn, flag.Severity, flag.Country));
        Assert.Equal(evidence, flag.Evidence);
        Assert.StartsWith("2 chips shipped by nvidia to CN for cn-buyer on 2025-03-02 failed the licence check (missing): ", flag.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task voiding_the_shipments_withdraws_the_flag_and_a_rebuild_reproduces_it()
    {
        await using var scenario = await StartAsync();
        var chips = await scenario.MadeAsync("void", 2, On(2025, 1, 1));
        var shipments = await scenario.ShipAsync(chips, Nvidia, CnBuyer.OrganisationId, "CN", Shipped);
        var opened = Assert.Single(await scenario.FlagsAsync());

        await scenario.RunAsync(new VoidChipEvent(ChipWorld.Id(), chips[0], shipments[0], "never left", Nvidia, Shipped + Duration.FromHours(1)));
        var partly = Assert.Single(await scenario.FlagsAsync());
        Assert.Equal((opened.Id, false, 1), (partly.Id, partly.Withdrawn, partly.Evidence.Count));

        await scenario.RunAsync(new VoidChipEvent(ChipWorld.Id(), chips[1], shipments[1], "never left", Nvidia, Shipped + Duration.FromHours(1)));
        var withdrawn = Assert.Single(await scenario.FlagsAsync());
        Assert.Equal((opened.Id, true), (withdrawn.Id, withdrawn.Withdrawn));

        var flags = (await scenario.FlagsAsync()).Select(FlagText.Of).ToList();
        await scenario.RebuildAsync(LicenceCheckFailedProjection.Prefix);
        Assert.Equal(flags, (await scenario.FlagsAsync()).Select(FlagText.Of));
    }
}
