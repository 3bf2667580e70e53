using ChipRegistry.Domain.Common;
using NodaTime;

namespace ChipRegistry.Domain.Catalog;

/// <summary>The events of one accelerator model's stream.</summary>
public interface IAcceleratorModelEvent : IDomainEvent
{
    string ModelId { get; }
}

/// <summary>A manufacturer registered a model with its first spec (revision 1).</summary>
public sealed record AcceleratorModelRegistered(
    string ModelId, string ManufacturerId, AcceleratorSpec Spec, string RecordedBy, Instant OccurredAt) : IAcceleratorModelEvent;

/// <summary>The manufacturer published a new revision of the spec.</summary>
public sealed record AcceleratorSpecRevised(
    string ModelId, int Revision, AcceleratorSpec Spec, string Note, string RecordedBy, Instant OccurredAt) : IAcceleratorModelEvent;

/// <summary>An agency recorded its own finding of the spec; it overrides the manufacturer's from then on.</summary>
public sealed record AcceleratorSpecFindingRecorded(
    string ModelId, AcceleratorSpec Spec, string Finding, string RecordedBy, Instant OccurredAt) : IAcceleratorModelEvent;
