using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Detection.PreRuleSurge;
using ChipRegistry.Domain.Policy;
using ChipRegistry.Domain.Tests.Persistence;
using NodaTime;
using static ChipRegistry.Domain.Tests.Detection.DetectionScenario;

namespace ChipRegistry.Domain.Tests.Detection.PreRuleSurge;

/// <summary>
/// Rule 7 on the daemon, before the 2026 rule (effective 2026-01-15, it affects every model): an organisation buying one
/// H100 a month for 8 months, then 10 within 120 days of the rule, is flagged at its surge by the tick after it, with
/// its numbers, and the flag closes at the rule's effective date; a rebuild gives the same flag and id. Five months of
/// history, or a surge before a rule never in force (the 2025 diffusion rule), raise nothing. The manufacturer makes
/// every chip at one instant, so its own acquisitions never surge.
/// </summary>
public sealed class PreRuleSurgeProjectionTests(RegistryStoreFixture fixture) : IClassFixture<RegistryStoreFixture>
{
    private Task<DetectionScenario> StartAsync() =>
        DetectionScenario.StartAsync(fixture, serializer => new PreRuleSurgeProjection(serializer), PreRuleSurgeProjection.FlagsTable);

    /// <summary>One chip a month on the first, from <paramref name="firstMonth"/> for <paramref name="months"/> months, then <paramref name="surge"/> chips at <paramref name="surgeAt"/>.</summary>
    private static async Task<List<Guid>> BuyAsync(DetectionScenario scenario, string buyer, Instant firstMonth, int months, int surge, Instant surgeAt)
    {
        var organisation = await scenario.OrganisationAsync(buyer, "MY", new LocalDate(2020, 1, 1));
        var chips = await scenario.MadeAsync(buyer, months + surge, On(2024, 6, 1));
        var accepted = new List<Guid>();
        for (var month = 0; month < months; month++)
        {
            var at = firstMonth.InUtc().LocalDateTime.PlusMonths(month).InUtc().ToInstant();
            accepted.AddRange(await scenario.SellAsync(chips.Skip(month).Take(1), Nvidia, organisation, at));
        }
        accepted.AddRange(await scenario.SellAsync(chips.Skip(months), Nvidia, organisation, surgeAt));
        return accepted;
    }

    [Fact]
    public async Task a_surge_within_120_days_of_a_rule_is_flagged_at_the_surge_and_closes_at_the_rule_date_and_a_rebuild_reproduces_it()
    {
        await using var scenario = await StartAsync();
        var accepted = await BuyAsync(scenario, "stock-co", On(2025, 1, 1), months: 8, surge: 10, surgeAt: On(2025, 10, 15));
        await scenario.TickAsync(On(2025, 10, 14));
        Assert.Empty(await scenario.FlagsAsync());

        await scenario.TickAsync(On(2025, 10, 16));
        var flag = Assert.Single(await scenario.FlagsAsync());
        var evidence = await scenario.SeqIdsAsync(accepted);
        Assert.Equal(FlagIds.Of(7, new FlagSubject(FlagSubjectKinds.Organisation, "stock-co"), evidence[0], RuleCalendar.Rule2026.Id), flag.Id);
        Assert.Equal((On(2025, 10, 15), (Instant?)null, false, FlagSeverities.Medium), (flag.OpenedAt, flag.ClosedAt, flag.Withdrawn, flag.Severity));
        Assert.Equal(evidence[^11..], flag.Evidence);
        Assert.Equal("11 chips acquired by stock-co in the 90 days to 2025-10-15 (3.67 a month), 3.67 times its monthly mean of 1 over the 6 months "
            + "before, 91 days before rule_2026_01_15 (91 FR 1684 (2026-01-15)) took effect on 2026-01-15", flag.Explanation);

        await scenario.TickAsync(On(2026, 1, 16));
        var closed = Assert.Single(await scenario.FlagsAsync());
        Assert.Equal((flag.Id, Instant.FromUtc(2026, 1, 15, 0, 0)), (closed.Id, closed.ClosedAt));

        var flags = (await scenario.FlagsAsync()).Select(FlagText.Of).ToList();
        await scenario.RebuildAsync(PreRuleSurgeProjection.Prefix);
        Assert.Equal(flags, (await scenario.FlagsAsync()).Select(FlagText.Of));
    }

    [Fact]
    public async Task five_months_of_history_or_a_surge_before_a_rule_never_in_force_raise_nothing()
    {
        await using var scenario = await StartAsync();
        await BuyAsync(scenario, "short-co", On(2025, 5, 1), months: 5, surge: 10, surgeAt: On(2025, 10, 15));
        await BuyAsync(scenario, "diffusion-co", On(2024, 7, 1), months: 8, surge: 10, surgeAt: On(2025, 4, 1));
        await scenario.TickAsync(On(2025, 10, 16));
        await scenario.TickAsync(On(2026, 1, 16));
        Assert.Empty(await scenario.FlagsAsync());
    }
}
