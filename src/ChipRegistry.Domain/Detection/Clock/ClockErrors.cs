using ChipRegistry.Domain.Common;

namespace ChipRegistry.Domain.Detection.Clock;

/// <summary>The stable error codes of clock ticks, each with its kind.</summary>
public static class ClockErrors
{
    public const string TickNotAfterLatest = "tick_not_after_latest";
    public const string InvalidTick = "invalid_tick";

    public static IReadOnlyDictionary<string, ErrorKind> ErrorKinds { get; } = new Dictionary<string, ErrorKind>(StringComparer.Ordinal)
    {
        [TickNotAfterLatest] = ErrorKind.Conflict,
        [InvalidTick] = ErrorKind.Invalid,
    };
}
