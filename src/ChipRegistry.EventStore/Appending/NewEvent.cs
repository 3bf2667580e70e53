using NodaTime;

namespace ChipRegistry.EventStore;

/// <summary>
/// An event to append: its data (an instance of a registered event type), when it happened in
/// business time, and optionally its id (the store makes a version-7 uuid when none is given).
/// </summary>
public sealed record NewEvent(object Data, Instant OccurredAt, Guid? EventId = null);
