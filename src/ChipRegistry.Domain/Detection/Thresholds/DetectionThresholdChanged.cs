using ChipRegistry.Domain.Common;
using NodaTime;

namespace ChipRegistry.Domain.Detection.Thresholds;

/// <summary>
/// From <see cref="EffectiveFrom"/> on, the named threshold (<see cref="DetectionThresholds"/>) has <see cref="Value"/>,
/// in the catalogue's invariant text form (a number, or a comma-separated list of country codes). Effective instants
/// never precede the latest clock tick when recorded: judging the past again is a rebuild, not a threshold change.
/// </summary>
public sealed record DetectionThresholdChanged(
    string Threshold, string Value, Instant EffectiveFrom, string Reason, string RecordedBy, Instant OccurredAt) : IDomainEvent;
