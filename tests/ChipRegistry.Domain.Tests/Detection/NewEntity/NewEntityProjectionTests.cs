using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Detection.NewEntity;
using ChipRegistry.Domain.Detection.Thresholds;
using ChipRegistry.Domain.Tests.Chips;
using ChipRegistry.Domain.Tests.Persistence;
using NodaTime;
using static ChipRegistry.Domain.Tests.Detection.DetectionScenario;

namespace ChipRegistry.Domain.Tests.Detection.NewEntity;

/// <summary>
/// Rule 9 on the daemon, with the minimum set to 3 chips by a threshold change (the 255/256 edge at the default is
/// <see cref="NewEntityJudgementTests"/>'): an organisation under 12 months old acquiring the minimum is one flag,
/// opened at the acquisition that reaches it; one 12 months and a day old, or one short of the minimum, raises none; a
/// D:5 parent makes it high; a void that leaves fewer than the minimum withdraws it; a rebuild gives the same flags.
/// </summary>
public sealed class NewEntityProjectionTests(RegistryStoreFixture fixture) : IClassFixture<RegistryStoreFixture>
{
    private async Task<DetectionScenario> StartAsync()
    {
        var scenario = await DetectionScenario.StartAsync(fixture, serializer => new NewEntityProjection(serializer), NewEntityProjection.FlagsTable);
        await scenario.ThresholdAsync(DetectionThresholds.NewEntityMinChips, "3", On(2020, 1, 1));
        return scenario;
    }

    [Fact]
    public async Task a_new_organisation_acquiring_the_minimum_is_flagged_and_one_12_months_and_a_day_old_or_one_chip_short_is_not()
    {
        await using var scenario = await StartAsync();
        var newCo = await scenario.OrganisationAsync("new-co", "MY", new LocalDate(2025, 1, 10));
        var oldCo = await scenario.OrganisationAsync("old-co", "MY", new LocalDate(2024, 3, 1));
        var shortCo = await scenario.OrganisationAsync("short-co", "MY", new LocalDate(2025, 1, 10));
        var bought = await scenario.MadeAsync("new", 3, On(2025, 1, 1));
        var accepted = new List<Guid>();
        accepted.AddRange(await scenario.SellAsync(bought.Take(2), Nvidia, newCo, On(2025, 3, 1)));
        accepted.AddRange(await scenario.SellAsync(bought.Skip(2), Nvidia, newCo, On(2026, 1, 10)));
        await scenario.SellAsync(await scenario.MadeAsync("old", 3, On(2025, 1, 1)), Nvidia, oldCo, On(2025, 3, 2));
        await scenario.SellAsync(await scenario.MadeAsync("short", 2, On(2025, 1, 1)), Nvidia, shortCo, On(2025, 3, 1));

        var flag = Assert.Single(await scenario.FlagsAsync());
        var evidence = await scenario.SeqIdsAsync(accepted);
        Assert.Equal(FlagIds.Of(9, new FlagSubject(FlagSubjectKinds.Organisation, "new-co"), evidence[0]), flag.Id);
        Assert.Equal((On(2026, 1, 10), (Instant?)null, false, FlagSeverities.Medium, "MY"), (flag.OpenedAt, flag.ClosedAt, flag.Withdrawn, flag.Severity, flag.Country));
        Assert.Equal(evidence, flag.Evidence);
        Assert.Equal(bought.Order(StringComparer.Ordinal), flag.Chips);
        Assert.Equal("3 chips acquired by new-co, founded on 2025-01-10, within 12 months of its founding (by 2026-01-10), from 2025-03-01 to 2026-01-10, "
            + "reaching the minimum of 3 on 2026-01-10", flag.Explanation);
    }

    [Fact]
    public async Task a_new_entity_under_a_chinese_parent_is_high_and_a_void_under_the_minimum_withdraws_it_and_a_rebuild_reproduces_it()
    {
        await using var scenario = await StartAsync();
        var newCo = await scenario.OrganisationAsync("new-my", "MY", new LocalDate(2025, 1, 10), parent: CnBuyer.OrganisationId);
        var chips = await scenario.MadeAsync("cn", 3, On(2025, 1, 1));
        var accepted = await scenario.SellAsync(chips, Nvidia, newCo, On(2025, 2, 1));
        var opened = Assert.Single(await scenario.FlagsAsync());
        Assert.Equal((FlagSeverities.High, false), (opened.Severity, opened.Withdrawn));
        Assert.EndsWith("; its ultimate parent is in D:5 or Macau", opened.Explanation);

        await scenario.RunAsync(new VoidChipEvent(ChipWorld.Id(), chips[2], accepted[2], "never sold", newCo, On(2025, 2, 2)));
        var withdrawn = Assert.Single(await scenario.FlagsAsync());
        Assert.Equal((opened.Id, true, opened.OpenedAt), (withdrawn.Id, withdrawn.Withdrawn, withdrawn.OpenedAt));
        Assert.Equal("withdrawn: voids leave 2 of the chips acquired by new-my (founded on 2025-01-10) while new, under the minimum of 3", withdrawn.Explanation);

        var flags = (await scenario.FlagsAsync()).Select(FlagText.Of).ToList();
        await scenario.RebuildAsync(NewEntityProjection.Prefix);
        Assert.Equal(flags, (await scenario.FlagsAsync()).Select(FlagText.Of));
    }
}
