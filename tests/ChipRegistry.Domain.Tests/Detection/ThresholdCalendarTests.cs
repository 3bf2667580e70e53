using ChipRegistry.Domain.Detection.Thresholds;
using NodaTime;

namespace ChipRegistry.Domain.Tests.Detection;

public class ThresholdCalendarTests
{
    private static readonly Instant T0 = Instant.FromUtc(2025, 3, 1, 0, 0);

    private static DetectionThresholdChanged Change(string name, string value, Instant from) => new(name, value, from, "test", "bis", T0);

    [Fact]
    public void a_threshold_never_changed_has_its_catalogue_default()
    {
        var calendar = new ThresholdCalendar();
        Assert.Equal(30m, calendar.NumberAt(DetectionThresholds.CustodyGapInternationalDays, T0));
        Assert.Equal(1.3m, calendar.NumberAt(DetectionThresholds.PowerUsageEffectiveness, T0));
        Assert.Equal(["AE", "HK", "MY", "SG", "TH"], calendar.CountriesAt(DetectionThresholds.TransshipmentHubs, T0).Order());
    }

    [Fact]
    public void a_change_holds_from_its_effective_instant_on_and_not_before()
    {
        var calendar = new ThresholdCalendar();
        calendar.Apply(Change(DetectionThresholds.IdleDays, "60", T0 + Duration.FromDays(10)));

        Assert.Equal(90m, calendar.NumberAt(DetectionThresholds.IdleDays, T0 + Duration.FromDays(10) - Duration.Epsilon));
        Assert.Equal(60m, calendar.NumberAt(DetectionThresholds.IdleDays, T0 + Duration.FromDays(10)));
        Assert.Equal(256m, calendar.NumberAt(DetectionThresholds.IdleMinChips, T0 + Duration.FromDays(10)));
    }

    [Fact]
    public void changes_recorded_out_of_effective_order_apply_by_effective_instant_and_the_later_record_wins_a_tie()
    {
        var calendar = new ThresholdCalendar();
        calendar.Apply(Change(DetectionThresholds.SiteH100e, "50000", T0 + Duration.FromDays(20)));
        calendar.Apply(Change(DetectionThresholds.SiteH100e, "80000", T0 + Duration.FromDays(5)));
        calendar.Apply(Change(DetectionThresholds.SiteH100e, "70000", T0 + Duration.FromDays(20)));

        Assert.Equal(100000m, calendar.NumberAt(DetectionThresholds.SiteH100e, T0));
        Assert.Equal(80000m, calendar.NumberAt(DetectionThresholds.SiteH100e, T0 + Duration.FromDays(6)));
        Assert.Equal(70000m, calendar.NumberAt(DetectionThresholds.SiteH100e, T0 + Duration.FromDays(21)));
        Assert.Equal([T0 + Duration.FromDays(5), T0 + Duration.FromDays(20)], calendar.ChangeInstants);
    }

    [Fact]
    public void an_unknown_threshold_is_a_defect_not_a_default()
    {
        var calendar = new ThresholdCalendar();
        Assert.Throws<ArgumentException>(() => calendar.Apply(Change("no_such_threshold", "1", T0)));
        Assert.Throws<ArgumentException>(() => calendar.TextAt("no_such_threshold", T0));
    }
}
