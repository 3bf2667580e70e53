using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Detection.PayerJurisdiction;
using ChipRegistry.Domain.Tests.Chips;
using ChipRegistry.Domain.Tests.Persistence;
using NodaTime;
using static ChipRegistry.Domain.Tests.Detection.DetectionScenario;

namespace ChipRegistry.Domain.Tests.Detection.PayerJurisdiction;

/// <summary>
/// Rule 4 on the daemon: a shipment to a Singapore consignee paid for by a Chinese party, or by a Malaysian one whose
/// ultimate parent is in Hong Kong (as China), is one flag per shipping act at the shipment; a Malaysian payer, or a
/// Chinese payer for a Chinese consignee, raises none; voiding the shipments withdraws it; a rebuild gives the same flags.
/// </summary>
public sealed class PayerJurisdictionProjectionTests(RegistryStoreFixture fixture) : IClassFixture<RegistryStoreFixture>
{
    private static readonly Instant Shipped = On(2025, 3, 2);

    private Task<DetectionScenario> StartAsync() =>
        DetectionScenario.StartAsync(fixture, serializer => new PayerJurisdictionProjection(serializer), PayerJurisdictionProjection.FlagsTable);

    [Fact]
    public async Task a_shipment_paid_from_china_or_by_a_hong_kong_owned_payer_is_flagged_and_a_malaysian_payer_or_a_chinese_consignee_is_not()
    {
        await using var scenario = await StartAsync();
        await scenario.OrganisationAsync("hk-parent", "HK", new LocalDate(2020, 1, 1));
        await scenario.OrganisationAsync("my-front", "MY", new LocalDate(2020, 1, 1), parent: "hk-parent");
        var paidFromChina = await scenario.MadeAsync("cn-paid", 2, On(2025, 1, 1));
        var paidByFront = await scenario.MadeAsync("front-paid", 1, On(2025, 1, 1));
        var shipments = await scenario.ShipWithPartiesAsync(paidFromChina, Nvidia, SgForwarder.OrganisationId, "SG", Shipped, payer: CnBuyer.OrganisationId);
        await scenario.ShipWithPartiesAsync(paidByFront, Nvidia, SgForwarder.OrganisationId, "SG", Shipped, payer: "my-front");
        await scenario.ShipWithPartiesAsync(await scenario.MadeAsync("my-paid", 1, On(2025, 1, 1)), Nvidia, SgForwarder.OrganisationId, "SG", Shipped,
            payer: MyBroker.OrganisationId);
        await scenario.ShipWithPartiesAsync(await scenario.MadeAsync("cn-to-cn", 1, On(2025, 1, 1)), Nvidia, CnBuyer.OrganisationId, "CN", Shipped,
            payer: CnBuyer.OrganisationId);

        var flags = await scenario.FlagsAsync();
        Assert.Equal(2, flags.Count);
        var china = Assert.Single(flags, f => f.Subject.Id == "cn-buyer");
        var evidence = await scenario.SeqIdsAsync(shipments);
        Assert.Equal(FlagIds.Of(4, new FlagSubject(FlagSubjectKinds.Organisation, "cn-buyer"), evidence[0]), china.Id);
        Assert.Equal((Shipped, (Instant?)null, false, FlagSeverities.High, "SG"), (china.OpenedAt, china.ClosedAt, china.Withdrawn, china.Severity, china.Country));
        Assert.Equal(evidence, china.Evidence);
        Assert.Equal("2 chips shipped by nvidia to SG on 2025-03-02 for the consignee sg-fwd (SG) were paid for by cn-buyer, in CN (D:5 or Macau)",
            china.Explanation);
        var front = Assert.Single(flags, f => f.Subject.Id == "my-front");
        Assert.Equal([paidByFront[0]], front.Chips);
        Assert.Equal("1 chip shipped by nvidia to SG on 2025-03-02 for the consignee sg-fwd (SG) was paid for by my-front (MY), whose ultimate parent "
            + "hk-parent is in HK (D:5 or Macau)", front.Explanation);
    }

    [Fact]
    public async Task voiding_the_shipments_withdraws_the_flag_and_a_rebuild_reproduces_it()
    {
        await using var scenario = await StartAsync();
        var chips = await scenario.MadeAsync("void", 2, On(2025, 1, 1));
        var shipments = await scenario.ShipWithPartiesAsync(chips, Nvidia, SgForwarder.OrganisationId, "SG", Shipped, payer: CnBuyer.OrganisationId);
        var opened = Assert.Single(await scenario.FlagsAsync());

        await scenario.RunAsync(new VoidChipEvent(ChipWorld.Id(), chips[0], shipments[0], "never left", Nvidia, On(2025, 3, 3)));
        var partly = Assert.Single(await scenario.FlagsAsync());
        Assert.Equal((opened.Id, false, 1), (partly.Id, partly.Withdrawn, partly.Evidence.Count));
        await scenario.RunAsync(new VoidChipEvent(ChipWorld.Id(), chips[1], shipments[1], "never left", Nvidia, On(2025, 3, 3)));
        var withdrawn = Assert.Single(await scenario.FlagsAsync());
        Assert.Equal((opened.Id, true), (withdrawn.Id, withdrawn.Withdrawn));

        var flags = (await scenario.FlagsAsync()).Select(FlagText.Of).ToList();
        await scenario.RebuildAsync(PayerJurisdictionProjection.Prefix);
        Assert.Equal(flags, (await scenario.FlagsAsync()).Select(FlagText.Of));
    }
}
