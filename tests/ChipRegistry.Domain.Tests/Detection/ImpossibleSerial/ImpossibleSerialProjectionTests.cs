using ChipRegistry.Domain.Attestations;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Facilities;
using ChipRegistry.Domain.Detection.ImpossibleSerial;
using ChipRegistry.Domain.Tests.Chips;
using ChipRegistry.Domain.Tests.Persistence;
using NodaTime;
using static ChipRegistry.Domain.Tests.Detection.DetectionScenario;

namespace ChipRegistry.Domain.Tests.Detection.ImpossibleSerial;

/// <summary>
/// Rule 11 on the daemon: an attestation reported at another facility while the chip is installed elsewhere is one
/// flag on the chip at that report's time, the operator's own attestation at the installed facility is not, and voiding
/// the report withdraws the flag; a sighting 15,715 km away 10 hours after the chip left a facility is too fast, the
/// same sighting 11 days later is not; a report after destruction is flagged; a rebuild gives the same flags.
/// </summary>
public sealed class ImpossibleSerialProjectionTests(RegistryStoreFixture fixture) : IClassFixture<RegistryStoreFixture>
{
    private Task<DetectionScenario> StartAsync() =>
        DetectionScenario.StartAsync(fixture, serializer => new ImpossibleSerialProjection(serializer), ImpossibleSerialProjection.FlagsTable);

    /// <summary>Chips made, delivered to us-op in the US and installed at <paramref name="facility"/> on 2025-03-20 12:00.</summary>
    private static async Task<string[]> InstalledAsync(DetectionScenario scenario, string name, int count, Facility facility)
    {
        var chips = await scenario.MadeAsync(name, count, On(2025, 1, 1));
        await scenario.ShipAsync(chips, Nvidia, UsOp.OrganisationId, "US", On(2025, 3, 2));
        await scenario.ReceiveAsync(chips, UsOp, "US", On(2025, 3, 9));
        foreach (var chip in chips) await scenario.RunAsync(new InstallChip(ChipWorld.Id(), chip, facility, "c1", "r1", UsOp, On(2025, 3, 20)));
        return chips;
    }

    [Fact]
    public async Task an_attestation_at_another_facility_while_installed_is_flagged_on_the_chip_and_voiding_it_withdraws_the_flag()
    {
        await using var scenario = await StartAsync();
        var memphis = await SiteArrange.FacilityAsync(scenario, "f-us", "US", 35.1m, -90.0m);
        var elsewhere = await SiteArrange.FacilityAsync(scenario, "f-us2", "US", 35.2m, -90.1m);
        var chips = await InstalledAsync(scenario, "twice", 2, memphis);
        var conflicting = await scenario.RunAsync(new AttestChipLocation(ChipWorld.Id(), chips[0], elsewhere.Id, "rtt", null, null, SignatureResult.Valid,
            MyBroker, On(2025, 4, 1)));
        await scenario.RunAsync(new AttestChipLocation(ChipWorld.Id(), chips[1], memphis.Id, "rtt", null, null, SignatureResult.Valid, UsOp, On(2025, 4, 1)));

        var flag = Assert.Single(await scenario.FlagsAsync());
        var report = (await scenario.SeqIdsAsync([conflicting]))[0];
        Assert.Equal(FlagIds.Of(11, new FlagSubject(FlagSubjectKinds.Chip, chips[0]), report), flag.Id);
        Assert.Equal((On(2025, 4, 1), (Instant?)null, false, FlagSeverities.High), (flag.OpenedAt, flag.ClosedAt, flag.Withdrawn, flag.Severity));
        Assert.Equal([chips[0]], flag.Chips);
        Assert.Contains(report, flag.Evidence);
        Assert.Equal($"chip {chips[0]} was reported (location_attestation, by my-broker) at {elsewhere.Id} on 2025-04-01 while installed at {memphis.Id} "
            + "since 2025-03-20", flag.Explanation);

        await scenario.RunAsync(new VoidChipEvent(ChipWorld.Id(), chips[0], conflicting, "wrong serial read", MyBroker, On(2025, 4, 2)));
        var withdrawn = Assert.Single(await scenario.FlagsAsync());
        Assert.Equal((flag.Id, true), (withdrawn.Id, withdrawn.Withdrawn));
    }

    [Fact]
    public async Task a_sighting_too_far_too_soon_and_a_report_after_destruction_are_flagged_and_a_slow_one_is_not_and_a_rebuild_reproduces_them()
    {
        await using var scenario = await StartAsync();
        var memphis = await SiteArrange.FacilityAsync(scenario, "f-us", "US", 35.1m, -90.0m);
        var singapore = await SiteArrange.FacilityAsync(scenario, "f-sg", "SG", 1.35m, 103.82m);
        var chips = await InstalledAsync(scenario, "fast", 2, memphis);
        foreach (var chip in chips) await scenario.RunAsync(new RemoveChip(ChipWorld.Id(), chip, "maintenance", UsOp, On(2025, 3, 20, 14)));
        await scenario.RunAsync(new ReportChipObservation(ChipWorld.Id(), chips[0], "sighting", singapore.Id, "SG", "seen in a rack", MyBroker, On(2025, 3, 21, 0)));
        await scenario.RunAsync(new ReportChipObservation(ChipWorld.Id(), chips[1], "sighting", singapore.Id, "SG", "seen in a rack", MyBroker, On(2025, 3, 31, 0)));
        var destroyed = await scenario.MadeAsync("destroyed", 1, On(2025, 1, 1));
        await scenario.RunAsync(new DestroyChip(ChipWorld.Id(), destroyed[0], "shredded", Nvidia, On(2025, 2, 1)));
        await scenario.RunAsync(new ReportChipObservation(ChipWorld.Id(), destroyed[0], "sighting", null, "MY", "offered for sale", MyBroker, On(2025, 5, 1)));

        var flags = await scenario.FlagsAsync();
        Assert.Equal(2, flags.Count);
        var fast = Assert.Single(flags, f => f.Subject.Id == chips[0]);
        Assert.Equal((On(2025, 3, 21, 0), FlagSeverities.High), (fast.OpenedAt, fast.Severity));
        Assert.Equal($"chip {chips[0]} was placed at {memphis.Id} at 2025-03-20T14:00:00Z and at {singapore.Id} at 2025-03-21T00:00:00Z, "
            + "15715 km apart: 1571 km/h, above 1000 km/h", fast.Explanation);
        var afterDestruction = Assert.Single(flags, f => f.Subject.Id == destroyed[0]);
        Assert.Equal(On(2025, 5, 1), afterDestruction.OpenedAt);
        Assert.Equal($"chip {destroyed[0]} was destroyed on 2025-02-01 and reported (sighting, by my-broker) on 2025-05-01", afterDestruction.Explanation);

        var before = flags.Select(FlagText.Of).ToList();
        await scenario.RebuildAsync(ImpossibleSerialProjection.Prefix);
        Assert.Equal(before, (await scenario.FlagsAsync()).Select(FlagText.Of));
    }
}
