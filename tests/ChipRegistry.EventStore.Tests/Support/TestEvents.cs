using NodaTime;

namespace ChipRegistry.EventStore.Tests.Support;

public sealed record ThingRegistered(string Name, Instant RegisteredAt);

public sealed record ThingMoved(string To, LocalDate On, Instant? ConfirmedAt = null);

public sealed record ThingRetired(string Reason);

public static class TestEvents
{
    public static EventTypeRegistry Registry() => new EventTypeRegistry()
        .Register<ThingRegistered>("thing_registered")
        .Register<ThingMoved>("thing_moved")
        .Register<ThingRetired>("thing_retired");

    public static readonly Instant Epoch = Instant.FromUtc(2025, 3, 1, 12, 0);

    public static NewEvent Registered(string name, Instant? at = null) => new(new ThingRegistered(name, at ?? Epoch), at ?? Epoch);

    public static NewEvent Moved(string to, Instant? at = null) => new(new ThingMoved(to, new LocalDate(2025, 3, 2)), at ?? Epoch);

    public static AppendMetadata By(string organisation = "org-test") => new(organisation);
}
