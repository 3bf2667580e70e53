using System.Collections.Concurrent;
using System.Diagnostics;

namespace ChipRegistry.EventStore;

/// <summary>
/// Decides whether an append carries a NOTIFY: at most one per channel per interval in this
/// process, shared by every store instance on that channel. The appends in between are found by
/// the daemon's polling.
/// </summary>
internal sealed class NotifyThrottle
{
    private static readonly ConcurrentDictionary<string, NotifyThrottle> PerChannel = new(StringComparer.Ordinal);

    private readonly long intervalTicks;
    private long lastTimestamp;

    private NotifyThrottle(TimeSpan interval)
    {
        intervalTicks = (long)(interval.TotalSeconds * Stopwatch.Frequency);
        lastTimestamp = Stopwatch.GetTimestamp() - intervalTicks - 1;
    }

    public static NotifyThrottle For(string channel, TimeSpan interval) => PerChannel.GetOrAdd(channel, _ => new NotifyThrottle(interval));

    public bool TryTake()
    {
        var now = Stopwatch.GetTimestamp();
        var last = Interlocked.Read(ref lastTimestamp);
        return now - last >= intervalTicks && Interlocked.CompareExchange(ref lastTimestamp, now, last) == last;
    }
}
