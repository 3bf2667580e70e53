using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Detection.ConsigneeMismatch;
using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Tests.Chips;
using ChipRegistry.Domain.Tests.Persistence;
using NodaTime;
using static ChipRegistry.Domain.Tests.Detection.DetectionScenario;

namespace ChipRegistry.Domain.Tests.Detection.ConsigneeMismatch;

/// <summary>
/// Rule 2 on the daemon: a receipt by another party than the consignee a licensed shipment named is one flag per
/// receiving act at its business time; the consignee's own receipt, or another party's receipt of an unlicensed
/// shipment, raises none; a D:5 receiver is critical; voiding the receipt withdraws the flag; a rebuild gives the same flags.
/// </summary>
public sealed class ConsigneeMismatchProjectionTests(RegistryStoreFixture fixture) : IClassFixture<RegistryStoreFixture>
{
    private static readonly Instant Shipped = On(2025, 3, 2);

    private Task<DetectionScenario> StartAsync() =>
        DetectionScenario.StartAsync(fixture, serializer => new ConsigneeMismatchProjection(serializer), ConsigneeMismatchProjection.FlagsTable);

    private static async Task<Guid[]> ShipLicensedAsync(
        DetectionScenario scenario, IEnumerable<string> chips, string consignee, string country, string? endUser = null)
    {
        var events = new List<Guid>();
        foreach (var chip in chips)
        {
            events.Add(await scenario.RunAsync(new ShipChip(ChipWorld.Id(), chip, country, consignee, endUser ?? consignee, consignee, consignee, consignee,
                "L-SG-1", ChipWorld.Context(consignee, country), Nvidia, Shipped)));
        }
        return [.. events];
    }

    [Fact]
    public async Task a_receipt_by_another_party_than_the_licensed_consignee_is_flagged_and_the_consignees_own_or_an_unlicensed_one_is_not()
    {
        await using var scenario = await StartAsync();
        var diverted = await scenario.MadeAsync("diverted", 2, On(2025, 1, 1));
        var delivered = await scenario.MadeAsync("delivered", 1, On(2025, 1, 1));
        var unlicensed = await scenario.MadeAsync("unlicensed", 1, On(2025, 1, 1));
        var shipments = await ShipLicensedAsync(scenario, diverted, SgForwarder.OrganisationId, "SG");
        await ShipLicensedAsync(scenario, delivered, SgForwarder.OrganisationId, "SG");
        await scenario.ShipAsync(unlicensed, Nvidia, SgForwarder.OrganisationId, "SG", Shipped);
        var receipts = new List<Guid>();
        foreach (var chip in diverted) receipts.Add(await scenario.RunAsync(new ReceiveChip(ChipWorld.Id(), chip, "MY", MyBroker, On(2025, 3, 9))));
        await scenario.ReceiveAsync(delivered, SgForwarder, "SG", On(2025, 3, 9));
        await scenario.ReceiveAsync(unlicensed, MyBroker, "MY", On(2025, 3, 9));

        var flag = Assert.Single(await scenario.FlagsAsync());
        var received = await scenario.SeqIdsAsync(receipts);
        Assert.Equal(FlagIds.Of(2, new FlagSubject(FlagSubjectKinds.Organisation, "my-broker"), received[0]), flag.Id);
        Assert.Equal((On(2025, 3, 9), (Instant?)null, false, FlagSeverities.High, "MY"), (flag.OpenedAt, flag.ClosedAt, flag.Withdrawn, flag.Severity, flag.Country));
        Assert.Equal([.. (await scenario.SeqIdsAsync(shipments)).Concat(received).Order()], flag.Evidence);
        Assert.Equal("2 chips shipped by nvidia to SG on 2025-03-02 under L-SG-1 for the consignee sg-fwd were received by my-broker in MY on 2025-03-09",
            flag.Explanation);
    }

    [Fact]
    public async Task a_receipt_in_china_is_critical_and_voiding_it_withdraws_the_flag_and_a_rebuild_reproduces_it()
    {
        await using var scenario = await StartAsync();
        var chips = await scenario.MadeAsync("cn", 1, On(2025, 1, 1));
        await ShipLicensedAsync(scenario, chips, SgForwarder.OrganisationId, "SG");
        var receipt = await scenario.RunAsync(new ReceiveChip(ChipWorld.Id(), chips[0], "CN", CnBuyer, On(2025, 3, 9)));
        var opened = Assert.Single(await scenario.FlagsAsync());
        Assert.Equal((FlagSeverities.Critical, "cn-buyer", false), (opened.Severity, opened.Subject.Id, opened.Withdrawn));

        await scenario.RunAsync(new VoidChipEvent(ChipWorld.Id(), chips[0], receipt, "reported in error", CnBuyer, On(2025, 3, 10)));
        var withdrawn = Assert.Single(await scenario.FlagsAsync());
        Assert.Equal((opened.Id, true), (withdrawn.Id, withdrawn.Withdrawn));

        var flags = (await scenario.FlagsAsync()).Select(FlagText.Of).ToList();
        await scenario.RebuildAsync(ConsigneeMismatchProjection.Prefix);
        Assert.Equal(flags, (await scenario.FlagsAsync()).Select(FlagText.Of));
    }

    [Fact]
    public async Task an_installation_by_another_operator_than_the_licensed_end_user_is_flagged_and_one_by_the_end_user_is_not()
    {
        await using var scenario = await StartAsync();
        var elsewhere = await scenario.MadeAsync("elsewhere", 1, On(2025, 1, 1));
        var licensed = await scenario.MadeAsync("licensed", 1, On(2025, 1, 1));
        await ShipLicensedAsync(scenario, elsewhere, SgForwarder.OrganisationId, "SG", endUser: UsOp.OrganisationId);
        await ShipLicensedAsync(scenario, licensed, SgForwarder.OrganisationId, "SG");
        await scenario.ReceiveAsync([.. elsewhere, .. licensed], SgForwarder, "SG", On(2025, 3, 9));
        var facility = ChipWorld.FacilityOf(SgForwarder.OrganisationId, "f-sg", "SG");
        foreach (var chip in elsewhere.Concat(licensed))
        {
            await scenario.RunAsync(new InstallChip(ChipWorld.Id(), chip, facility, "c1", "r1", SgForwarder, On(2025, 3, 20)));
        }

        var flag = Assert.Single(await scenario.FlagsAsync());
        Assert.Equal((On(2025, 3, 20), FlagSeverities.High, "sg-fwd", "SG"), (flag.OpenedAt, flag.Severity, flag.Subject.Id, flag.Country));
        Assert.Equal([elsewhere[0]], flag.Chips);
        Assert.Equal("1 chip shipped by nvidia to SG on 2025-03-02 under L-SG-1 for the end user us-op was installed by sg-fwd at f-sg in SG on 2025-03-20",
            flag.Explanation);
    }
}
