using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Detection.ConcentrationThreshold;
using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Detection.Thresholds;
using ChipRegistry.Domain.Tests.Chips;
using ChipRegistry.Domain.Tests.Persistence;
using NodaTime;
using static ChipRegistry.Domain.Tests.Detection.DetectionScenario;

namespace ChipRegistry.Domain.Tests.Detection.ConcentrationThreshold;

/// <summary>
/// Rule 14 on the daemon, with the thresholds lowered by threshold changes (3 H100e for a site and for a customer's
/// year, 40,000 TPP for a Tier-2 country; an H100 is 1 H100e and 15,831 TPP): a site passing it is flagged at the
/// installation that crosses it, for the facility and its operator, and closes when a removal takes it back under; a
/// Tier-2 country and a Tier-2 customer's year too; a site under it, a Tier-1 customer, or a customer whose chips fall
/// in two years, raise none; a void under the threshold withdraws the flag; a rebuild gives the same flags.
/// </summary>
public sealed class ConcentrationThresholdProjectionTests(RegistryStoreFixture fixture) : IClassFixture<RegistryStoreFixture>
{
    private async Task<DetectionScenario> StartAsync()
    {
        var scenario = await DetectionScenario.StartAsync(fixture, serializer => new ConcentrationThresholdProjection(serializer),
            ConcentrationThresholdProjection.FlagsTable);
        await scenario.ThresholdAsync(DetectionThresholds.SiteH100e, "3", On(2020, 1, 1));
        await scenario.ThresholdAsync(DetectionThresholds.CustomerH100ePerYear, "3", On(2020, 1, 1));
        await scenario.ThresholdAsync(DetectionThresholds.Tier2CountryTpp, "40000", On(2020, 1, 1));
        return scenario;
    }

    private static async Task<(string[] Chips, long[] Installations)> InstalledAsync(
        DetectionScenario scenario, string name, int count, Actor @operator, string facility, string country)
    {
        var chips = await scenario.MadeAsync(name, count, On(2025, 1, 1));
        await scenario.ShipAsync(chips, Nvidia, @operator.OrganisationId, country, On(2025, 2, 1));
        await scenario.ReceiveAsync(chips, @operator, country, On(2025, 2, 5));
        var installations = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            installations.Add(await scenario.RunAsync(new InstallChip(ChipWorld.Id(), chips[i], ChipWorld.FacilityOf(@operator.OrganisationId, facility, country),
                "c1", "r1", @operator, On(2025, 3, 1 + i))));
        }
        return (chips, await scenario.SeqIdsAsync(installations));
    }

    [Fact]
    public async Task a_site_passing_the_threshold_is_flagged_at_the_crossing_installation_and_a_removal_closes_it_and_a_smaller_site_is_not()
    {
        await using var scenario = await StartAsync();
        var (site, installations) = await InstalledAsync(scenario, "site", 3, UsOp, "f-site", "US");
        await InstalledAsync(scenario, "small", 2, SgForwarder, "f-small", "SG");
        var flags = await scenario.FlagsAsync();
        Assert.Equal(2, flags.Count);
        var facility = Assert.Single(flags, f => f.Subject.Kind == FlagSubjectKinds.Facility);
        Assert.Equal(FlagIds.Of(14, new FlagSubject(FlagSubjectKinds.Facility, "f-site"), installations[0]), facility.Id);
        Assert.Equal((On(2025, 3, 3), (Instant?)null, false, FlagSeverities.Low, "US"), (facility.OpenedAt, facility.ClosedAt, facility.Withdrawn, facility.Severity, facility.Country));
        Assert.Equal(installations, facility.Evidence);
        Assert.Equal("3 H100e installed at the facility f-site in US on 2025-03-03 (threshold 3)", facility.Explanation);
        var owner = Assert.Single(flags, f => f.Subject.Kind == FlagSubjectKinds.Organisation);
        Assert.Equal(("us-op", "3 H100e installed under the ultimate parent us-op on 2025-03-03 (threshold 3)"), (owner.Subject.Id, owner.Explanation));

        await scenario.RunAsync(new RemoveChip(ChipWorld.Id(), site[0], "failed", UsOp, On(2025, 3, 10)));
        var closed = await scenario.FlagsAsync();
        Assert.All(closed, f => Assert.Equal(On(2025, 3, 10), f.ClosedAt));
        Assert.EndsWith("; back under from 2025-03-10", closed[0].Explanation);
    }

    [Fact]
    public async Task a_tier_2_country_and_a_tier_2_customers_year_are_flagged_and_a_void_withdraws_and_a_rebuild_reproduces_them()
    {
        await using var scenario = await StartAsync();
        await scenario.ThresholdAsync(DetectionThresholds.SiteH100e, "1000", On(2020, 1, 2));
        await InstalledAsync(scenario, "my", 3, MyBroker, "f-my", "MY");
        var bought = await scenario.MadeAsync("bought", 3, On(2025, 1, 1));
        var accepted = await scenario.SellAsync(bought, Nvidia, SgForwarder, On(2025, 6, 1));
        var split = await scenario.MadeAsync("split", 3, On(2025, 1, 1));
        await scenario.SellAsync(split.Take(2), Nvidia, MyBroker, On(2025, 6, 1));
        await scenario.SellAsync(split.Skip(2), Nvidia, MyBroker, On(2026, 1, 2));
        await scenario.SellAsync(await scenario.MadeAsync("tier1", 3, On(2025, 1, 1)), Nvidia, UsOp, On(2025, 6, 1));

        var flags = await scenario.FlagsAsync();
        Assert.Equal(2, flags.Count);
        var country = Assert.Single(flags, f => f.Subject.Kind == FlagSubjectKinds.Country);
        Assert.Equal(("MY", On(2025, 3, 3)), (country.Subject.Id, country.OpenedAt));
        Assert.Equal("47493.6 TPP installed in the Tier-2 country MY on 2025-03-03 (threshold 40000)", country.Explanation);
        var customer = Assert.Single(flags, f => f.Subject.Kind == FlagSubjectKinds.Organisation);
        Assert.Equal("3 H100e acquired by the Tier-2 customer sg-fwd (SG) in 2025 on 2025-06-01 (threshold 3)", customer.Explanation);

        await scenario.RunAsync(new VoidChipEvent(ChipWorld.Id(), bought[0], accepted[0], "never sold", SgForwarder, On(2025, 6, 2)));
        var withdrawn = Assert.Single(await scenario.FlagsAsync(), f => f.Id == customer.Id);
        Assert.True(withdrawn.Withdrawn);

        var before = (await scenario.FlagsAsync()).Select(FlagText.Of).ToList();
        await scenario.RebuildAsync(ConcentrationThresholdProjection.Prefix);
        Assert.Equal(before, (await scenario.FlagsAsync()).Select(FlagText.Of));
    }
}
