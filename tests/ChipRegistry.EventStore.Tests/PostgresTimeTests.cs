using NodaTime;

namespace ChipRegistry.EventStore.Tests;

public sealed class PostgresTimeTests
{
    [Fact]
    public void an_instant_is_truncated_to_microseconds()
    {
        var instant = Instant.FromUtc(2025, 1, 2, 3, 4, 5).PlusNanoseconds(123_456_789);

        Assert.Equal(Instant.FromUtc(2025, 1, 2, 3, 4, 5).PlusNanoseconds(123_456_000), PostgresTime.Truncate(instant));
    }

    [Fact]
    public void an_instant_before_1970_is_truncated_towards_the_past()
    {
        var instant = Instant.FromUtc(1969, 12, 31, 23, 59, 59).PlusNanoseconds(999_999_999);

        Assert.Equal(Instant.FromUtc(1969, 12, 31, 23, 59, 59).PlusNanoseconds(999_999_000), PostgresTime.Truncate(instant));
    }

    [Fact]
    public void timestamps_are_utc_and_round_trip()
    {
        var instant = Instant.FromUtc(2030, 6, 1, 0, 0).PlusNanoseconds(1_001);

        var timestamp = PostgresTime.ToTimestamp(instant);

        Assert.Equal(DateTimeKind.Utc, timestamp.Kind);
        Assert.Equal(PostgresTime.Truncate(instant), PostgresTime.FromTimestamp(timestamp));
    }

    [Fact]
    public void a_timestamp_that_is_not_utc_is_refused() =>
        Assert.Throws<ArgumentException>(() => PostgresTime.FromTimestamp(new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Local)));

    [Fact]
    public void dates_round_trip()
    {
        var date = new LocalDate(2024, 2, 29);

        Assert.Equal(date, PostgresTime.FromDate(PostgresTime.ToDate(date)));
        Assert.Equal(new DateOnly(2024, 2, 29), PostgresTime.ToDate(date));
    }
}
