using NodaTime;

namespace ChipRegistry.EventStore;

/// <summary>
/// The one place where NodaTime meets Npgsql (the Npgsql.NodaTime plugin is not available):
/// parameters, readers and COPY all convert here, so a value written one way reads back the same.
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

    /// <summary>For a timestamptz parameter or COPY column: UTC, truncated to microseconds.</summary>
    public static DateTime ToTimestamp(Instant instant) => Truncate(instant).ToDateTimeUtc();

    public static Instant FromTimestamp(DateTime timestamp) => timestamp.Kind switch
    {
        DateTimeKind.Utc => Instant.FromDateTimeUtc(timestamp),
        _ => throw new ArgumentException("A timestamptz must be read and written as a UTC DateTime.", nameof(timestamp)),
    };

    public static DateOnly ToDate(LocalDate date) => date.ToDateOnly();

    public static LocalDate FromDate(DateOnly date) => LocalDate.FromDateOnly(date);

    private static long Mod(long value, long divisor) => ((value % divisor) + divisor) % divisor;
}
