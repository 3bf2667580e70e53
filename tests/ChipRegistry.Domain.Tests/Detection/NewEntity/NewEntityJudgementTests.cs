using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Detection.NewEntity;
using ChipRegistry.Domain.Detection.Thresholds;
using NodaTime;

namespace ChipRegistry.Domain.Tests.Detection.NewEntity;

/// <summary>Rule 9's judgement at the default minimum: 256 acquisitions while new raise it, 255 do not.</summary>
public sealed class NewEntityJudgementTests
{
    private static IReadOnlyList<NewEntityAcquisition> Acquisitions(int count) =>
        [.. Enumerable.Range(0, count).Select(i => new NewEntityAcquisition($"chip-{i}", 100 + i, "new-co", "MY", new LocalDate(2025, 1, 10),
            new LocalDate(2026, 1, 10), Instant.FromUtc(2025, 3, 1, 0, 0) + Duration.FromMinutes(i), false, false))];

    [Fact]
    public void the_256th_chip_acquired_while_new_opens_the_flag_at_its_acquisition()
    {
        var flag = NewEntityJudgement.Judge(Acquisitions(256), new ThresholdCalendar(), null);
        Assert.NotNull(flag);
        Assert.Equal((Instant.FromUtc(2025, 3, 1, 4, 15), 256), (flag.OpenedAt, flag.Evidence.Count));
        Assert.Equal(FlagSeverities.Medium, flag.Severity);
    }

    [Fact]
    public void two_hundred_and_fifty_five_chips_are_under_the_minimum() =>
        Assert.Null(NewEntityJudgement.Judge(Acquisitions(255), new ThresholdCalendar(), null));
}
