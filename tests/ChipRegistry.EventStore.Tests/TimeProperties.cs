using ChipRegistry.EventStore.Tests.Support;
using NodaTime;

namespace ChipRegistry.EventStore.Tests;

/// <summary>
/// Properties over many seeded-random instants between years 1 and 9999, to the nanosecond.
/// (FsCheck 3.4.0 needs an FSharp.Core version the registry here does not serve.)
/// </summary>
public sealed class TimeProperties
{
    private const int Cases = 5_000;
    private static readonly long MinTicks = Instant.FromUtc(1, 1, 1, 0, 0).ToUnixTimeTicks();
    private static readonly long MaxTicks = Instant.FromUtc(9999, 12, 31, 0, 0).ToUnixTimeTicks();

    private static IEnumerable<Instant> Instants(int seed)
    {
        var random = new Random(seed);
        yield return Instant.FromUnixTimeTicks(MinTicks);
        yield return Instant.FromUnixTimeTicks(MaxTicks).PlusNanoseconds(99);
        yield return Instant.FromUnixTimeTicks(-1).PlusNanoseconds(1);
        for (var i = 0; i < Cases; i++)
        {
            yield return Instant.FromUnixTimeTicks(random.NextInt64(MinTicks, MaxTicks)).PlusNanoseconds(random.Next(100));
        }
    }

    [Fact]
    public void truncation_keeps_whole_microseconds_never_moves_forward_and_is_idempotent()
    {
        foreach (var instant in Instants(seed: 20251122))
        {
            var truncated = PostgresTime.Truncate(instant);

            Assert.InRange(instant - truncated, Duration.Zero, Duration.FromNanoseconds(999));
            Assert.Equal(0, truncated.ToUnixTimeTicks() % 10);
            Assert.Equal(truncated, PostgresTime.Truncate(truncated));
            Assert.Equal(truncated, PostgresTime.FromTimestamp(PostgresTime.ToTimestamp(instant)));
        }
    }

    [Fact]
    public void instants_in_event_data_round_trip_to_the_nanosecond()
    {
        var serializer = new EventSerializer(TestEvents.Registry());
        foreach (var instant in Instants(seed: 7))
        {
            var registered = new ThingRegistered("x", instant);

            Assert.Equal(registered, serializer.Deserialize("thing_registered", serializer.Serialize(registered)));
        }
    }
}
