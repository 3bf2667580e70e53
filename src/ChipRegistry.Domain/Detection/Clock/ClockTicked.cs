using ChipRegistry.Domain.Common;
using NodaTime;

namespace ChipRegistry.Domain.Detection.Clock;

/// <summary>
/// The registry's time as an input (domain.md 4a): deadline and window rules judge against the latest tick, never the
/// system clock, so a rebuild reproduces every flag. <see cref="IDomainEvent.OccurredAt"/> is the tick's instant; there
/// is at most one tick per instant (its idempotency key is the instant), appended to <see cref="ClockStream.Key"/>.
/// </summary>
public sealed record ClockTicked(string RecordedBy, Instant OccurredAt) : IDomainEvent;
