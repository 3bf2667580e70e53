using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Detection.PreRuleSurge;
using ChipRegistry.Domain.Detection.Thresholds;
using ChipRegistry.Domain.Policy;
using NodaTime;

namespace ChipRegistry.Domain.Tests.Detection.PreRuleSurge;

/// <summary>
/// Rule 7's judgement at the default thresholds: an organisation buying 10 chips every 30 days (a monthly mean of 10,
/// exactly 3 purchases in any 90-day window), then a surge 92 days before the 2026 rule. A window of 3 times the mean
/// raises it, 2.9 times does not, 10 times is high; a rule never in force is no rule date.
/// </summary>
public sealed class PreRuleSurgeJudgementTests
{
    private static readonly Instant SurgeAt = Instant.FromUtc(2025, 10, 15, 12, 0);

    private static List<SurgeAcquisition> Steady(int surge)
    {
        var acquisitions = new List<SurgeAcquisition>();
        var seq = 100L;
        for (var at = Instant.FromUtc(2025, 1, 1, 0, 0); at < Instant.FromUtc(2026, 1, 15, 0, 0); at += Duration.FromDays(30))
        {
            for (var i = 0; i < 10; i++) acquisitions.Add(new SurgeAcquisition($"chip-{seq}", seq++, "stock-co", "nvidia-h100-sxm", at, false));
        }
        for (var i = 0; i < surge; i++) acquisitions.Add(new SurgeAcquisition($"chip-{seq}", seq++, "stock-co", "nvidia-h100-sxm", SurgeAt, false));
        return acquisitions;
    }

    private static Flag? Rule2026Flag(int surge)
    {
        var verdicts = PreRuleSurgeJudgement.Judge("stock-co", Steady(surge), new ThresholdCalendar(), Instant.FromUtc(2025, 12, 1, 0, 0),
            new Dictionary<string, Flag>(), mayOpen: true);
        Assert.All(verdicts.Where(v => v.GroupKey != PreRuleSurgeJudgement.GroupKey("stock-co", RuleCalendar.Rule2026)), v => Assert.Null(v.Flag));
        return verdicts.Single(v => v.GroupKey == PreRuleSurgeJudgement.GroupKey("stock-co", RuleCalendar.Rule2026)).Flag;
    }

    [Fact]
    public void a_window_of_three_times_the_monthly_mean_opens_the_flag_at_the_surge_and_two_point_nine_times_does_not()
    {
        Assert.Null(Rule2026Flag(57));
        var flag = Rule2026Flag(60);
        Assert.NotNull(flag);
        Assert.Equal((SurgeAt, (Instant?)null, FlagSeverities.Medium, 90), (flag.OpenedAt, flag.ClosedAt, flag.Severity, flag.Evidence.Count));
        Assert.StartsWith("90 chips acquired by stock-co in the 90 days to 2025-10-15 (30 a month), 3 times its monthly mean of 10 over the 6 months before",
            flag.Explanation);
    }

    [Fact]
    public void ten_times_the_mean_is_high() => Assert.Equal(FlagSeverities.High, Rule2026Flag(270)?.Severity);

    [Fact]
    public void surges_before_two_rule_dates_are_two_flags_with_ids_of_their_own()
    {
        // Every rule date's group of an organisation starts at its first acquisition: the ids must still differ, or the
        // second flag overwrites the first (in the daemon, a duplicate key that failed every batch of the organisation).
        var acquisitions = new List<SurgeAcquisition>();
        var seq = 100L;
        void Buy(Instant at, int chips)
        {
            for (var i = 0; i < chips; i++) acquisitions.Add(new SurgeAcquisition($"chip-{seq}", seq++, "stock-co", "nvidia-h20", at, false));
        }
        for (var at = Instant.FromUtc(2024, 1, 1, 0, 0); at < Instant.FromUtc(2026, 1, 15, 0, 0); at += Duration.FromDays(30)) Buy(at, 10);
        Buy(Instant.FromUtc(2025, 3, 1, 12, 0), 60);
        Buy(Instant.FromUtc(2025, 10, 15, 12, 0), 150);

        var flags = PreRuleSurgeJudgement.Judge("stock-co", acquisitions, new ThresholdCalendar(), Instant.FromUtc(2026, 2, 1, 0, 0),
            new Dictionary<string, Flag>(), mayOpen: true).Where(v => v.Flag is not null).ToDictionary(v => v.GroupKey, v => v.Flag!);

        var notice = flags[PreRuleSurgeJudgement.GroupKey("stock-co", RuleCalendar.IndividualNotice2025)];
        var rule2026 = flags[PreRuleSurgeJudgement.GroupKey("stock-co", RuleCalendar.Rule2026)];
        Assert.Equal(Instant.FromUtc(2025, 3, 1, 12, 0), notice.OpenedAt);
        Assert.Equal(Instant.FromUtc(2025, 10, 15, 12, 0), rule2026.OpenedAt);
        Assert.NotEqual(notice.Id, rule2026.Id);
        Assert.Equal(flags.Count, flags.Values.Select(f => f.Id).Distinct().Count());
    }

    [Fact]
    public void a_rule_never_in_force_is_no_rule_date_and_a_rule_naming_other_models_does_not_affect_this_one()
    {
        Assert.DoesNotContain(RuleCalendar.Diffusion2025, PreRuleSurgeJudgement.Rules);
        Assert.False(PreRuleSurgeJudgement.Affects(RuleCalendar.IndividualNotice2025, "nvidia-h100-sxm"));
        Assert.True(PreRuleSurgeJudgement.Affects(RuleCalendar.IndividualNotice2025, "nvidia-h20"));
        Assert.True(PreRuleSurgeJudgement.Affects(RuleCalendar.Rule2026, "nvidia-h100-sxm"));
    }
}
