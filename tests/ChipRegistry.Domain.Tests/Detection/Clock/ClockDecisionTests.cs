using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Detection.Clock;
using ChipRegistry.Domain.Organisations;
using NodaTime;

namespace ChipRegistry.Domain.Tests.Detection.Clock;

public sealed class ClockDecisionTests
{
    private static readonly Instant Noon = Instant.FromUtc(2026, 3, 1, 12, 0);
    private static readonly Actor Registry = BuiltInOrganisations.RegistryAdmin;

    [Fact]
    public void the_first_tick_is_appended_at_its_instant()
    {
        var decision = ClockDecisions.Decide(new TickClock(Noon, Registry), null);
        Assert.Equal([new ClockTicked("registry", Noon)], decision.Events);
    }

    [Fact]
    public void a_later_tick_is_appended()
    {
        var decision = ClockDecisions.Decide(new TickClock(Noon + Duration.FromHours(1), Registry), new LatestTick(Noon, 4));
        Assert.Single(decision.Events);
    }

    [Fact]
    public void the_latest_tick_again_appends_nothing_and_is_accepted()
    {
        var decision = ClockDecisions.Decide(new TickClock(Noon, Registry), new LatestTick(Noon, 4));
        Assert.True(decision.IsAccepted);
        Assert.Empty(decision.Events);
    }

    [Fact]
    public void a_tick_before_the_latest_is_refused() =>
        Assert.Equal(ClockErrors.TickNotAfterLatest, ClockDecisions.Decide(new TickClock(Noon - Duration.FromSeconds(1), Registry), new LatestTick(Noon, 4)).Error?.Code);

    [Fact]
    public void a_tick_between_whole_seconds_is_refused() =>
        Assert.Equal(ClockErrors.InvalidTick, ClockDecisions.Decide(new TickClock(Noon + Duration.FromMilliseconds(500), Registry), null).Error?.Code);

    [Fact]
    public void the_clock_codes_have_their_kinds()
    {
        Assert.Equal(ErrorKind.Conflict, DomainErrorKinds.Of(ClockErrors.TickNotAfterLatest));
        Assert.Equal(ErrorKind.Invalid, DomainErrorKinds.Of(ClockErrors.InvalidTick));
    }
}
