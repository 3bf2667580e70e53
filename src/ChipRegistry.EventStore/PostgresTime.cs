using NodaTime;

namespace ChipRegistry.EventStore;

/// <summary>
/// The microsecond rule where NodaTime meets PostgreSQL. Npgsql.NodaTime (<c>UseNodaTime()</c> on every data
/// source) reads and writes <see cref="Instant"/> and <see cref="LocalDate"/> directly; every instant the store
/// writes goes through <see cref="Truncate"/> first, so a value written one way reads back the same.
/// </summary>
public static class PostgresTime
{
    private const long TicksPerMicrosecond = 10;

    /// <summary>
    /// PostgreSQL keeps microseconds. Truncating at the boundary (towards the past, also before
    /// 1970) makes what the caller holds after an append equal what a later read returns.
    /// </summary>
    public static Instant Truncate(Instant instant)
    {
        // ToUnixTimeTicks already floors the sub-tick nanoseconds.
        var ticks = instant.ToUnixTimeTicks();
        var truncated = ticks - Mod(ticks, TicksPerMicrosecond);
        return Instant.FromUnixTimeTicks(truncated);
    }

    private static long Mod(long value, long divisor) => ((value % divisor) + divisor) % divisor;
}
