using ChipRegistry.Domain.Persistence;
using NodaTime;
using NodaTime.Text;

namespace ChipRegistry.Domain.Detection.Clock;

/// <summary>Where ticks are kept and how one instant's tick is named, so two API instances never append the same tick twice.</summary>
public static class ClockStream
{
    public static string Key { get; } = StreamKeys.Clock;

    /// <summary>The idempotency key of the tick at <paramref name="instant"/>: the instant itself, to the second.</summary>
    public static string IdempotencyKey(Instant instant) => "clock-tick:" + InstantPattern.General.Format(instant);
}
