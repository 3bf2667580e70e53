using System.Text.Json;
using ChipRegistry.EventStore.Tests.Support;
using NodaTime;

namespace ChipRegistry.EventStore.Tests;

public sealed class EventSerializerTests
{
    private readonly EventSerializer serializer = new(TestEvents.Registry());

    [Fact]
    public void an_event_round_trips_under_its_stored_name()
    {
        var moved = new ThingMoved("hall-7", new LocalDate(2025, 12, 31), Instant.FromUtc(2025, 12, 31, 23, 59, 59).PlusNanoseconds(123_456_789));

        var name = serializer.TypeNameOf(moved);
        var json = serializer.Serialize(moved);

        Assert.Equal("thing_moved", name);
        Assert.Equal(moved, serializer.Deserialize(name, json));
    }

    [Fact]
    public void stored_json_uses_snake_case_names_and_iso_times()
    {
        var json = serializer.Serialize(new ThingMoved("hall-7", new LocalDate(2025, 1, 2), Instant.FromUtc(2025, 1, 2, 3, 4, 5)));

        using var document = JsonDocument.Parse(json);
        Assert.Equal("hall-7", document.RootElement.GetProperty("to").GetString());
        Assert.Equal("2025-01-02", document.RootElement.GetProperty("on").GetString());
        Assert.Equal("2025-01-02T03:04:05Z", document.RootElement.GetProperty("confirmed_at").GetString());
    }

    [Fact]
    public void unknown_fields_are_ignored()
    {
        var data = serializer.Deserialize("thing_retired", """{"reason":"scrapped","added_in_a_later_version":{"x":1}}""");

        Assert.Equal(new ThingRetired("scrapped"), data);
    }

    [Fact]
    public void missing_fields_take_their_defaults()
    {
        var data = serializer.Deserialize("thing_moved", """{"to":"hall-2","on":"2025-05-05"}""");

        Assert.Equal(new ThingMoved("hall-2", new LocalDate(2025, 5, 5), null), data);
    }

    [Fact]
    public void an_unregistered_stored_name_reads_as_an_unregistered_event()
    {
        var data = serializer.Deserialize("thing_painted", """{"colour":"red"}""");

        var unregistered = Assert.IsType<UnregisteredEvent>(data);
        Assert.Equal("thing_painted", unregistered.TypeName);
        Assert.Equal("red", unregistered.Data.GetProperty("colour").GetString());
    }

    [Fact]
    public void an_unregistered_event_type_cannot_be_appended() =>
        Assert.Throws<ArgumentException>(() => serializer.TypeNameOf(new Uri("https://example.org")));

    [Theory]
    [InlineData("ThingMoved")]
    [InlineData("thing-moved")]
    [InlineData("thing__moved")]
    [InlineData("_thing")]
    public void stored_names_must_be_snake_case(string name) =>
        Assert.Throws<ArgumentException>(() => new EventTypeRegistry().Register<ThingRetired>(name));

    [Fact]
    public void a_stored_name_cannot_name_two_types() =>
        Assert.Throws<ArgumentException>(() => TestEvents.Registry().Register<ThingRetiredAgain>("thing_retired"));

    [Fact]
    public void an_invalid_instant_is_a_json_error() =>
        Assert.Throws<JsonException>(() => serializer.Deserialize("thing_registered", """{"name":"x","registered_at":"yesterday"}"""));

    /// <summary>
    /// Stored history keeps its bytes: every form of time ever written to event data, as stored, reads back as the
    /// instant it names. Writing uses one form only (Z, fraction digits only while non-zero).
    /// </summary>
    [Theory]
    [InlineData("2025-01-02T03:04:05Z", 0L)]
    [InlineData("2025-01-02T03:04:05.123456Z", 123_456_000L)]
    [InlineData("2025-01-02T03:04:05.1234567Z", 123_456_700L)]
    [InlineData("2025-01-02T03:04:05+00:00", 0L)]
    [InlineData("2025-01-02T03:04:05.123456+00:00", 123_456_000L)]
    [InlineData("2025-01-02T03:04:05.1234567+00:00", 123_456_700L)]
    [InlineData("2025-01-02T03:04:05.250000Z", 250_000_000L)]
    public void every_stored_time_format_reads_back_as_its_instant(string stored, long nanoseconds)
    {
        var json = $$"""{"to":"hall-7","on":"2025-01-02","confirmed_at":"{{stored}}"}""";

        var moved = Assert.IsType<ThingMoved>(serializer.Deserialize("thing_moved", json));

        Assert.Equal(Instant.FromUtc(2025, 1, 2, 3, 4, 5).PlusNanoseconds(nanoseconds), moved.ConfirmedAt);
    }

    [Theory]
    [InlineData(0L, "2025-01-02T03:04:05Z")]
    [InlineData(250_000_000L, "2025-01-02T03:04:05.25Z")]
    [InlineData(123_456_000L, "2025-01-02T03:04:05.123456Z")]
    [InlineData(123_456_789L, "2025-01-02T03:04:05.123456789Z")]
    public void new_events_write_times_in_utc_with_z_and_fraction_digits_only_while_non_zero(long nanoseconds, string written)
    {
        var json = serializer.Serialize(new ThingMoved("hall-7", new LocalDate(2025, 1, 2), Instant.FromUtc(2025, 1, 2, 3, 4, 5).PlusNanoseconds(nanoseconds)));

        using var document = JsonDocument.Parse(json);
        Assert.Equal(written, document.RootElement.GetProperty("confirmed_at").GetString());
    }

    [Theory]
    [InlineData("2025-01-02T03:04:05")]
    [InlineData("2025-01-02T04:04:05+01:00")]
    [InlineData("2025-01-02")]
    public void a_time_in_a_form_never_stored_is_a_json_error(string stored) =>
        Assert.Throws<JsonException>(() => serializer.Deserialize("thing_moved", $$"""{"to":"hall-7","on":"2025-01-02","confirmed_at":"{{stored}}"}"""));

    private sealed record ThingRetiredAgain(string Reason);
}
