using ChipRegistry.Domain.Attestations;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Detection.AttestationSilence;
using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Facilities;
using ChipRegistry.Domain.Tests.Chips;
using ChipRegistry.Domain.Tests.Persistence;
using NodaTime;
using static ChipRegistry.Domain.Tests.Detection.DetectionScenario;

namespace ChipRegistry.Domain.Tests.Detection.AttestationSilence;

/// <summary>
/// Rule 12 on the daemon: chips installed at one facility on one day and never attested are one low flag on the
/// facility, opened at the deadline (installation + 30 days) by the first tick at or after it; a chip attested after 29
/// days raises none, nor does a tick before the deadline; an attestation and a removal close it; an attestation dated
/// before the deadline but recorded after a tick passed it withdraws it; a rebuild gives the same flags.
/// </summary>
public sealed class AttestationSilenceProjectionTests(RegistryStoreFixture fixture) : IClassFixture<RegistryStoreFixture>
{
    private static readonly Instant Installed = On(2025, 3, 20);

    private Task<DetectionScenario> StartAsync() =>
        DetectionScenario.StartAsync(fixture, serializer => new AttestationSilenceProjection(serializer), AttestationSilenceProjection.FlagsTable);

    private static Facility Facility(string name) => ChipWorld.FacilityOf(UsOp.OrganisationId, $"{name}-{Guid.NewGuid():N}"[..24], "US");

    /// <summary>Chips made, delivered to us-op in the US and installed at <paramref name="facility"/> on 2025-03-20 12:00.</summary>
    private static async Task<string[]> InstalledAsync(DetectionScenario scenario, string name, int count, Facility facility)
    {
        var chips = await scenario.MadeAsync(name, count, On(2025, 1, 1));
        await scenario.ShipAsync(chips, Nvidia, UsOp.OrganisationId, "US", On(2025, 3, 2));
        await scenario.ReceiveAsync(chips, UsOp, "US", On(2025, 3, 9));
        foreach (var chip in chips) await scenario.RunAsync(new InstallChip(ChipWorld.Id(), chip, facility, "c1", "r1", UsOp, Installed));
        return chips;
    }

    private static Task<Guid> AttestAsync(DetectionScenario scenario, string chip, Facility facility, Instant at) =>
        scenario.RunAsync(new AttestChipLocation(ChipWorld.Id(), chip, facility.Id, "tpm", null, null, SignatureResult.Valid, UsOp, at));

    [Fact]
    public async Task chips_silent_for_30_days_are_flagged_at_the_deadline_and_one_attested_after_29_days_is_not_and_attestation_and_removal_close_it()
    {
        await using var scenario = await StartAsync();
        var silentSite = Facility("f-silent");
        var attestedSite = Facility("f-attested");
        var silent = await InstalledAsync(scenario, "silent", 2, silentSite);
        var attested = await InstalledAsync(scenario, "attested", 1, attestedSite);
        await AttestAsync(scenario, attested[0], attestedSite, On(2025, 4, 18));
        await scenario.TickAsync(On(2025, 4, 19, 11));
        Assert.Empty(await scenario.FlagsAsync());

        await scenario.TickAsync(On(2025, 4, 19, 13));
        var flag = Assert.Single(await scenario.FlagsAsync());
        Assert.Equal((On(2025, 4, 19), (Instant?)null, false, FlagSeverities.Low, "US"), (flag.OpenedAt, flag.ClosedAt, flag.Withdrawn, flag.Severity, flag.Country));
        Assert.Equal((FlagSubjectKinds.Facility, silentSite.Id), (flag.Subject.Kind, flag.Subject.Id));
        Assert.Equal([.. silent.Order(StringComparer.Ordinal)], flag.Chips);
        Assert.Equal($"2 chips installed at {silentSite.Id} in US had no location attestation for 30 days after 2025-03-20", flag.Explanation);

        await AttestAsync(scenario, silent[0], silentSite, On(2025, 4, 25));
        await scenario.RunAsync(new RemoveChip(ChipWorld.Id(), silent[1], "maintenance", UsOp, On(2025, 4, 26)));
        var closed = Assert.Single(await scenario.FlagsAsync());
        Assert.Equal((flag.Id, On(2025, 4, 26), false), (closed.Id, closed.ClosedAt, closed.Withdrawn));
        Assert.EndsWith("; the last was attested or uninstalled on 2025-04-26", closed.Explanation, StringComparison.Ordinal);

        var flags = (await scenario.FlagsAsync()).Select(FlagText.Of).ToList();
        await scenario.RebuildAsync(AttestationSilenceProjection.Prefix);
        Assert.Equal(flags, (await scenario.FlagsAsync()).Select(FlagText.Of));
    }

    [Fact]
    public async Task an_attestation_dated_before_the_deadline_recorded_after_the_tick_withdraws_the_flag()
    {
        await using var scenario = await StartAsync();
        var site = Facility("f-late");
        var chips = await InstalledAsync(scenario, "late", 1, site);
        await scenario.TickAsync(On(2025, 4, 21));
        var opened = Assert.Single(await scenario.FlagsAsync());
        Assert.False(opened.Withdrawn);

        await AttestAsync(scenario, chips[0], site, On(2025, 4, 10));
        var withdrawn = Assert.Single(await scenario.FlagsAsync());
        Assert.Equal((opened.Id, true, On(2025, 4, 19)), (withdrawn.Id, withdrawn.Withdrawn, withdrawn.OpenedAt));
    }
}
