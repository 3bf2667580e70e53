using NodaTime;

namespace ChipRegistry.EventStore;

/// <summary>An event as the store keeps it: its data plus where, when and by whom it was appended.</summary>
public sealed record StoredEvent(
    long SeqId,
    Guid EventId,
    string StreamKey,
    long Version,
    string TypeName,
    object Data,
    Instant OccurredAt,
    Instant RecordedAt,
    string ActingOrganisation,
    string? CorrelationId,
    string? CausationId,
    string? IdempotencyKey);
