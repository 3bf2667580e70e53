using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Detection.Divergence;
using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Tests.Chips;
using ChipRegistry.Domain.Tests.Persistence;
using NodaTime;
using static ChipRegistry.Domain.Tests.Detection.DetectionScenario;

namespace ChipRegistry.Domain.Tests.Detection.Divergence;

/// <summary>
/// Rule 5 on the daemon: chips billed to a Singapore party, shipped to Malaysia and delivered there, not installed 60
/// days after delivery, are one flag per shipping act opened at the deadline once a tick reaches it; chips billed in the
/// ship-to country, or installed on day 59, raise none; the installations close it; an installation dated before the
/// deadline recorded after the tick withdraws it; a rebuild gives the same flags.
/// </summary>
public sealed class DivergenceProjectionTests(RegistryStoreFixture fixture) : IClassFixture<RegistryStoreFixture>
{
    private static readonly Instant Shipped = On(2025, 3, 2);
    private static readonly Instant Delivered = On(2025, 3, 5);

    private async Task<DetectionScenario> StartAsync()
    {
        var scenario = await DetectionScenario.StartAsync(fixture, serializer => new DivergenceProjection(serializer), DivergenceProjection.FlagsTable);
        await scenario.OrganisationAsync("sg-bill", "SG", new LocalDate(2020, 1, 1));
        return scenario;
    }

    private static async Task<(string[] Chips, Guid[] Shipments, Guid[] Receipts)> DeliveredAsync(DetectionScenario scenario, string name, int count, string billTo)
    {
        var chips = await scenario.MadeAsync(name, count, On(2025, 1, 1));
        var shipments = await scenario.ShipWithPartiesAsync(chips, Nvidia, MyBroker.OrganisationId, "MY", Shipped, billTo: billTo);
        var receipts = new List<Guid>();
        foreach (var chip in chips) receipts.Add(await scenario.RunAsync(new ReceiveChip(ChipWorld.Id(), chip, "MY", MyBroker, Delivered)));
        return (chips, shipments, [.. receipts]);
    }

    private static Task<Guid> InstallAsync(DetectionScenario scenario, string chip, Instant at) =>
        scenario.RunAsync(new InstallChip(ChipWorld.Id(), chip, ChipWorld.FacilityOf(MyBroker.OrganisationId, "f-my", "MY"), "c1", "r1", MyBroker, at));

    [Fact]
    public async Task chips_billed_to_singapore_and_not_installed_in_malaysia_within_60_days_are_flagged_and_installations_close_it()
    {
        await using var scenario = await StartAsync();
        var (diverging, shipments, receipts) = await DeliveredAsync(scenario, "diverging", 2, "sg-bill");
        await DeliveredAsync(scenario, "billed-here", 1, MyBroker.OrganisationId);
        var (onTime, _, _) = await DeliveredAsync(scenario, "on-time", 1, "sg-bill");
        await InstallAsync(scenario, onTime[0], On(2025, 5, 3));
        await scenario.TickAsync(On(2025, 5, 4, 11));
        Assert.Empty(await scenario.FlagsAsync());

        await scenario.TickAsync(On(2025, 5, 5));
        var flag = Assert.Single(await scenario.FlagsAsync());
        var evidence = (await scenario.SeqIdsAsync(shipments)).Concat(await scenario.SeqIdsAsync(receipts)).Order().ToArray();
        Assert.Equal(FlagIds.Of(5, new FlagSubject(FlagSubjectKinds.Organisation, "my-broker"), evidence[0]), flag.Id);
        Assert.Equal((On(2025, 5, 4), (Instant?)null, false, FlagSeverities.Medium, "MY"), (flag.OpenedAt, flag.ClosedAt, flag.Withdrawn, flag.Severity, flag.Country));
        Assert.Equal(evidence, flag.Evidence);
        Assert.Equal(diverging.Order(StringComparer.Ordinal), flag.Chips);
        Assert.Equal("2 chips billed to sg-bill (SG) and shipped by nvidia to my-broker in MY on 2025-03-02 were delivered on 2025-03-05 and not installed "
            + "within 60 days", flag.Explanation);

        await InstallAsync(scenario, diverging[0], On(2025, 5, 10));
        Assert.Null(Assert.Single(await scenario.FlagsAsync()).ClosedAt);
        await InstallAsync(scenario, diverging[1], On(2025, 5, 12));
        var closed = Assert.Single(await scenario.FlagsAsync());
        Assert.Equal((flag.Id, (Instant?)On(2025, 5, 12), false), (closed.Id, closed.ClosedAt, closed.Withdrawn));
        Assert.EndsWith("; the last was installed on 2025-05-12 in MY", closed.Explanation);
    }

    [Fact]
    public async Task an_installation_dated_before_the_deadline_recorded_after_the_tick_withdraws_the_flag_and_a_rebuild_reproduces_it()
    {
        await using var scenario = await StartAsync();
        var (chips, _, _) = await DeliveredAsync(scenario, "late-report", 1, "sg-bill");
        await scenario.TickAsync(On(2025, 5, 5));
        var opened = Assert.Single(await scenario.FlagsAsync());

        await InstallAsync(scenario, chips[0], On(2025, 4, 20));
        var withdrawn = Assert.Single(await scenario.FlagsAsync());
        Assert.Equal((opened.Id, true, opened.OpenedAt), (withdrawn.Id, withdrawn.Withdrawn, withdrawn.OpenedAt));

        var flags = (await scenario.FlagsAsync()).Select(FlagText.Of).ToList();
        await scenario.RebuildAsync(DivergenceProjection.Prefix);
        Assert.Equal(flags, (await scenario.FlagsAsync()).Select(FlagText.Of));
    }
}
