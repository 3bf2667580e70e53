using NodaTime;

namespace ChipRegistry.Domain.Common;

/// <summary>
/// Every event records the acting organisation (<see cref="RecordedBy"/>) and the business time the
/// reporting party states (<see cref="OccurredAt"/>). The registry's own recorded time is set by the store.
/// </summary>
public interface IDomainEvent
{
    string RecordedBy { get; }

    Instant OccurredAt { get; }
}
