using ChipRegistry.EventStore.Tests.Support;
using NodaTime;
using Npgsql;

namespace ChipRegistry.EventStore.Tests;

/// <summary>The microsecond rule, and NodaTime values through Npgsql.NodaTime against a real PostgreSQL.</summary>
public sealed class PostgresTimeTests(StoreFixture fixture) : IClassFixture<StoreFixture>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

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

    [Theory]
    [InlineData(2030, 6, 1, 1_001)]
    [InlineData(1969, 12, 31, 999_999_999)]
    [InlineData(1, 1, 1, 999)]
    public async Task a_truncated_instant_round_trips_through_a_timestamptz(int year, int month, int day, long nanoseconds)
    {
        var instant = PostgresTime.Truncate(Instant.FromUtc(year, month, day, 0, 0).PlusNanoseconds(nanoseconds));

        await using var command = fixture.DataSource.CreateCommand("select $1::timestamptz");
        command.Parameters.Add(new NpgsqlParameter<Instant> { TypedValue = instant });

        Assert.Equal(instant, await command.ExecuteScalarAsync(Cancel));
    }

    [Fact]
    public async Task a_timestamptz_reads_as_an_instant_on_every_data_source_of_the_tests()
    {
        var read = await fixture.ScalarAsync<object>("select timestamptz '2025-01-01 00:00:00.123456+00'");

        Assert.Equal(Instant.FromUtc(2025, 1, 1, 0, 0).PlusNanoseconds(123_456_000), Assert.IsType<Instant>(read));
    }

    [Fact]
    public async Task dates_round_trip()
    {
        var date = new LocalDate(2024, 2, 29);

        await using var command = fixture.DataSource.CreateCommand("select $1::date, $1::date::text");
        command.Parameters.Add(new NpgsqlParameter<LocalDate> { TypedValue = date });
        await using var reader = await command.ExecuteReaderAsync(Cancel);
        await reader.ReadAsync(Cancel);

        Assert.Equal(date, reader.GetFieldValue<LocalDate>(0));
        Assert.Equal("2024-02-29", reader.GetString(1));
    }
}
