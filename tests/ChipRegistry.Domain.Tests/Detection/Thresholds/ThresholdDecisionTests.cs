using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Detection.Thresholds;
using ChipRegistry.Domain.Organisations;
using NodaTime;

namespace ChipRegistry.Domain.Tests.Detection.Thresholds;

public sealed class ThresholdDecisionTests
{
    private static readonly Instant Tick = Instant.FromUtc(2026, 3, 1, 10, 0);
    private static readonly Actor Agency = new("bis", OrganisationKind.Agency);

    private static Decision<DetectionThresholdChanged> Change(string name, string value, Instant from, Actor? actor = null) =>
        ThresholdDecisions.Decide(new ChangeThreshold(name, value, from, "guidance", actor ?? Agency, Tick), Tick);

    [Fact]
    public void an_agency_changes_a_threshold_from_the_latest_tick_on()
    {
        var decision = Change(DetectionThresholds.TransshipmentDays, "21", Tick);
        Assert.Equal([new DetectionThresholdChanged(DetectionThresholds.TransshipmentDays, "21", Tick, "guidance", "bis", Tick)], decision.Events);
    }

    [Fact]
    public void a_change_effective_before_the_latest_tick_is_backdated() =>
        Assert.Equal(ThresholdErrors.ThresholdBackdated, Change(DetectionThresholds.TransshipmentDays, "21", Tick - Duration.FromSeconds(1)).Error?.Code);

    [Fact]
    public void before_any_tick_any_effective_instant_is_accepted() =>
        Assert.True(ThresholdDecisions.Decide(new ChangeThreshold(DetectionThresholds.IdleDays, "60", Instant.FromUtc(2020, 1, 1, 0, 0), "r", Agency, Tick), null).IsAccepted);

    [Fact]
    public void an_unknown_threshold_is_not_found() => Assert.Equal(ThresholdErrors.UnknownThreshold, Change("idle_weeks", "3", Tick).Error?.Code);

    [Fact]
    public void only_an_agency_or_the_registry_changes_a_threshold()
    {
        Assert.Equal(ThresholdErrors.NotAgency, Change(DetectionThresholds.IdleDays, "60", Tick, new Actor("op", OrganisationKind.Operator)).Error?.Code);
        Assert.True(Change(DetectionThresholds.IdleDays, "60", Tick, BuiltInOrganisations.RegistryAdmin).IsAccepted);
    }

    [Theory]
    [InlineData("30")]
    [InlineData("1.3")]
    [InlineData("0")]
    [InlineData("0.25")]
    [InlineData("790000000")]
    public void a_number_the_calendar_reads_is_accepted_and_read_back(string value)
    {
        var decision = Change(DetectionThresholds.PowerUsageEffectiveness, value, Tick);
        var calendar = new ThresholdCalendar();
        calendar.Apply(decision.Events.Single());
        Assert.Equal(decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture), calendar.NumberAt(DetectionThresholds.PowerUsageEffectiveness, Tick));
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("1,3")]
    [InlineData(" 30")]
    [InlineData("30 ")]
    [InlineData("1e3")]
    [InlineData("")]
    [InlineData("thirty")]
    [InlineData("99999999999999999999999999999999")]
    public void a_number_the_calendar_cannot_read_is_invalid(string value) =>
        Assert.Equal(ThresholdErrors.InvalidThresholdValue, Change(DetectionThresholds.IdleDays, value, Tick).Error?.Code);

    [Fact]
    public void a_country_list_of_assigned_codes_is_accepted_and_read_back()
    {
        var decision = Change(DetectionThresholds.TransshipmentHubs, "SG,MY,VN", Tick);
        var calendar = new ThresholdCalendar();
        calendar.Apply(decision.Events.Single());
        Assert.Equal(new HashSet<string> { "SG", "MY", "VN" }, calendar.CountriesAt(DetectionThresholds.TransshipmentHubs, Tick));
    }

    [Theory]
    [InlineData("SG, MY")]
    [InlineData("SG,,MY")]
    [InlineData("sg")]
    [InlineData("SG,ZZ")]
    [InlineData("SG,SG")]
    [InlineData("30")]
    public void a_country_list_with_anything_but_assigned_codes_is_invalid(string value) =>
        Assert.Equal(ThresholdErrors.InvalidThresholdValue, Change(DetectionThresholds.TransshipmentHubs, value, Tick).Error?.Code);

    [Fact]
    public void a_change_has_a_reason() =>
        Assert.Equal(FreeText.InvalidText, ThresholdDecisions.Decide(new ChangeThreshold(DetectionThresholds.IdleDays, "60", Tick, " ", Agency, Tick), Tick).Error?.Code);
}
