using ChipRegistry.Domain.Attestations;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Facilities;
using ChipRegistry.Domain.Detection.LocationMismatch;
using ChipRegistry.Domain.Tests.Chips;
using ChipRegistry.Domain.Tests.Persistence;
using NodaTime;
using static ChipRegistry.Domain.Tests.Detection.DetectionScenario;

namespace ChipRegistry.Domain.Tests.Detection.LocationMismatch;

/// <summary>
/// Rule 3 on the daemon: a chip shipped under a licence to AE and installed at a facility in CN is one critical flag on
/// the facility at the installation's time; the same chip installed in AE, or one shipped without a licence, raises
/// none; an attested round trip to a landmark whose bound excludes the facility is flagged (self-reported when the
/// landmark did not measure it), a wide enough round trip is not, and a later consistent attestation closes it;
/// voiding the installation withdraws the flag; a rebuild gives the same flags.
/// </summary>
public sealed class LocationMismatchProjectionTests(RegistryStoreFixture fixture) : IClassFixture<RegistryStoreFixture>
{
    private static readonly Instant Shipped = On(2025, 3, 2);
    
    private Task<DetectionScenario> StartAsync() =>
        DetectionScenario.StartAsync(fixture, serializer => new LocationMismatchProjection(serializer), LocationMismatchProjection.FlagsTable);

    /// <summary>Ships the chips to us-op in AE (under L-AE-1 unless <paramref name="licensed"/> is false), received there.</summary>
    private static async Task<Guid[]> DeliverAsync(DetectionScenario scenario, string[] chips, bool licensed = true)
    {
        var shipments = new List<Guid>();
        foreach (var chip in chips)
        {
            shipments.Add(await scenario.RunAsync(new ShipChip(ChipWorld.Id(), chip, "AE", UsOp.OrganisationId, UsOp.OrganisationId, UsOp.OrganisationId,
                UsOp.OrganisationId, UsOp.OrganisationId, licensed ? "L-AE-1" : null, ChipWorld.Context(UsOp.OrganisationId, "AE"), Nvidia, Shipped)));
        }
        await scenario.ReceiveAsync(chips, UsOp, "AE", On(2025, 3, 9));
        return [.. shipments];
    }

    private static async Task<Guid> InstallAsync(DetectionScenario scenario, string chip, Facility facility, Instant at) =>
        await scenario.RunAsync(new InstallChip(ChipWorld.Id(), chip, facility, "c1", "r1", UsOp, at));

    private static async Task<Guid> AttestAsync(DetectionScenario scenario, string chip, Facility facility, decimal rtt, string landmark, bool measured, Instant at) =>
        await scenario.RunAsync(new AttestChipLocation(ChipWorld.Id(), chip, facility.Id, "rtt", rtt, landmark, SignatureResult.Valid, UsOp, at, measured));

    [Fact]
    public async Task a_licensed_chip_installed_in_another_country_is_flagged_on_the_facility_and_one_installed_in_the_destination_or_unlicensed_is_not()
    {
        await using var scenario = await StartAsync();
        var inChina = await SiteArrange.FacilityAsync(scenario, "f-cn", "CN", 31.2m, 121.5m);
        var inDubai = await SiteArrange.FacilityAsync(scenario, "f-ae", "AE", 25.2m, 55.27m);
        var diverted = await scenario.MadeAsync("diverted", 2, On(2025, 1, 1));
        var kept = await scenario.MadeAsync("kept", 1, On(2025, 1, 1));
        var unlicensed = await scenario.MadeAsync("unlicensed", 1, On(2025, 1, 1));
        var shipments = await DeliverAsync(scenario, diverted);
        await DeliverAsync(scenario, kept);
        await DeliverAsync(scenario, unlicensed, licensed: false);
        var installations = new List<Guid>();
        foreach (var chip in diverted) installations.Add(await InstallAsync(scenario, chip, inChina, On(2025, 3, 20)));
        await InstallAsync(scenario, kept[0], inDubai, On(2025, 3, 20));
        await InstallAsync(scenario, unlicensed[0], inChina, On(2025, 3, 20));

        var flag = Assert.Single(await scenario.FlagsAsync());
        var installed = await scenario.SeqIdsAsync(installations);
        Assert.Equal(FlagIds.Of(3, new FlagSubject(FlagSubjectKinds.Facility, inChina.Id), installed[0]), flag.Id);
        Assert.Equal((On(2025, 3, 20), (Instant?)null, false, FlagSeverities.Critical, "CN"),
            (flag.OpenedAt, flag.ClosedAt, flag.Withdrawn, flag.Severity, flag.Country));
        Assert.Equal([.. (await scenario.SeqIdsAsync(shipments)).Concat(installed).Order()], flag.Evidence);
        Assert.Equal($"2 chips shipped to AE under L-AE-1 were installed at {inChina.Id} in CN on 2025-03-20, outside the licensed destination AE",
            flag.Explanation);

        await scenario.RunAsync(new VoidChipEvent(ChipWorld.Id(), diverted[0], installations[0], "reported in error", UsOp, On(2025, 3, 21)));
        await scenario.RunAsync(new VoidChipEvent(ChipWorld.Id(), diverted[1], installations[1], "reported in error", UsOp, On(2025, 3, 21)));
        var withdrawn = Assert.Single(await scenario.FlagsAsync());
        Assert.Equal((flag.Id, true), (withdrawn.Id, withdrawn.Withdrawn));
    }

    [Fact]
    public async Task an_attested_round_trip_whose_bound_excludes_the_facility_is_flagged_until_a_consistent_attestation_and_a_rebuild_reproduces_it()
    {
        await using var scenario = await StartAsync();
        var inDubai = await SiteArrange.FacilityAsync(scenario, "f-ae", "AE", 25.2m, 55.27m);
        var singapore = await SiteArrange.LandmarkAsync(scenario, "lm-sin", 1.35m, 103.82m);
        var dubai = await SiteArrange.LandmarkAsync(scenario, "lm-dxb", 25.25m, 55.36m);
        var chips = await scenario.MadeAsync("rtt", 2, On(2025, 1, 1));
        await DeliverAsync(scenario, chips);
        foreach (var chip in chips) await InstallAsync(scenario, chip, inDubai, On(2025, 3, 20));
        // 2 ms bounds a chip within 200 km of Singapore, 5,837 km from the Dubai facility; 120 ms (12,000 km) does not exclude it.
        var close = await AttestAsync(scenario, chips[0], inDubai, 2m, singapore, measured: false, On(2025, 4, 1));
        await AttestAsync(scenario, chips[1], inDubai, 120m, singapore, measured: true, On(2025, 4, 1));

        var flag = Assert.Single(await scenario.FlagsAsync());
        Assert.Equal((On(2025, 4, 1), (Instant?)null, FlagSeverities.High, "AE", inDubai.Id), (flag.OpenedAt, flag.ClosedAt, flag.Severity, flag.Country, flag.Subject.Id));
        Assert.Contains((await scenario.SeqIdsAsync([close]))[0], flag.Evidence);
        Assert.Equal([chips[0]], flag.Chips);
        Assert.Equal($"1 chip shipped to AE under L-AE-1 was attested at {inDubai.Id} on 2025-04-01 with a round trip of 2 ms to landmark {singapore} "
            + $"(self-reported), which bounds the chip within 200 km of it, but {inDubai.Id} is 5837 km away", flag.Explanation);

        await AttestAsync(scenario, chips[0], inDubai, 1m, dubai, measured: true, On(2025, 4, 2));
        var closed = Assert.Single(await scenario.FlagsAsync());
        Assert.Equal((flag.Id, On(2025, 4, 2), false), (closed.Id, closed.ClosedAt, closed.Withdrawn));
        Assert.EndsWith("; an attestation consistent with AE followed on 2025-04-02", closed.Explanation, StringComparison.Ordinal);

        var flags = (await scenario.FlagsAsync()).Select(FlagText.Of).ToList();
        await scenario.RebuildAsync(LocationMismatchProjection.Prefix);
        Assert.Equal(flags, (await scenario.FlagsAsync()).Select(FlagText.Of));
    }
}
