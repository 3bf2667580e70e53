using ChipRegistry.EventStore.Tests.Support;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using Npgsql;

namespace ChipRegistry.EventStore.Tests;

/// <summary>Properties over instants between years 1 and 9999, to the nanosecond, and the edges of that range.</summary>
public sealed class TimeProperties(StoreFixture fixture) : IClassFixture<StoreFixture>
{
    /// <summary>About 5,050 drawn instants and 50 edge cases a run.</summary>
    private const int Cases = 5_100;

    /// <summary>Mostly uniform instants over years 1 to 9999 with any nanosecond; one case in a hundred an edge of the range or of 1970.</summary>
    public static class Instants
    {
        private static readonly long MinTicks = Instant.FromUtc(1, 1, 1, 0, 0).ToUnixTimeTicks();
        private static readonly long MaxTicks = Instant.FromUtc(9999, 12, 31, 0, 0).ToUnixTimeTicks();

        public static Arbitrary<Instant> Any()
        {
            var edges = Gen.Elements(
                Instant.FromUnixTimeTicks(MinTicks),
                Instant.FromUnixTimeTicks(MaxTicks).PlusNanoseconds(99),
                Instant.FromUnixTimeTicks(-1).PlusNanoseconds(1));
            var days = (int)((MaxTicks - MinTicks) / NodaConstants.TicksPerDay);
            var drawn =
                from day in Gen.Choose(0, days - 1)
                from second in Gen.Choose(0, NodaConstants.SecondsPerDay - 1)
                from tick in Gen.Choose(0, (int)NodaConstants.TicksPerSecond - 1)
                from nanos in Gen.Choose(0, 99)
                select Instant.FromUnixTimeTicks(MinTicks + (day * NodaConstants.TicksPerDay) + (second * NodaConstants.TicksPerSecond) + tick)
                    .PlusNanoseconds(nanos);
            return Gen.Frequency((1, edges), (99, drawn)).ToArbitrary();
        }
    }

    [Property(MaxTest = Cases, Arbitrary = [typeof(Instants)])]
    public async Task truncation_keeps_whole_microseconds_never_moves_forward_is_idempotent_and_round_trips_through_postgresql(Instant instant)
    {
        var truncated = PostgresTime.Truncate(instant);

        Assert.InRange(instant - truncated, Duration.Zero, Duration.FromNanoseconds(999));
        Assert.Equal(0, truncated.ToUnixTimeTicks() % 10);
        Assert.Equal(truncated, PostgresTime.Truncate(truncated));

        // what the store writes (the truncated instant, through Npgsql.NodaTime) is what a read returns
        await using var command = fixture.DataSource.CreateCommand("select $1::timestamptz");
        command.Parameters.Add(new NpgsqlParameter<Instant> { TypedValue = truncated });
        Assert.Equal(truncated, await command.ExecuteScalarAsync(TestContext.Current.CancellationToken));
    }

    [Property(MaxTest = Cases, Arbitrary = [typeof(Instants)])]
    public void instants_in_event_data_round_trip_to_the_nanosecond(Instant instant)
    {
        var serializer = new EventSerializer(TestEvents.Registry());
        var registered = new ThingRegistered("x", instant);

        Assert.Equal(registered, serializer.Deserialize("thing_registered", serializer.Serialize(registered)));
    }
}
