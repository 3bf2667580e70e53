using NodaTime;

namespace ChipRegistry.EventStore;

/// <summary>
/// A cut through a stream: the events that had occurred by an instant (business time, what the
/// parties say happened) or that the registry had recorded by it (what the registry knew then,
/// for audits). Either way the events are applied in stream order.
/// </summary>
public sealed record AsOf
{
    private AsOf(Instant instant, bool byRecordedTime)
    {
        Instant = PostgresTime.Truncate(instant);
        ByRecordedTime = byRecordedTime;
    }

    public Instant Instant { get; }

    public bool ByRecordedTime { get; }

    public static AsOf Occurred(Instant instant) => new(instant, byRecordedTime: false);

    public static AsOf Recorded(Instant instant) => new(instant, byRecordedTime: true);
}
