using ChipRegistry.Domain.Common;
using NodaTime;

namespace ChipRegistry.Domain.Organisations;

public interface IOrganisationEvent : IDomainEvent
{
    string OrganisationId { get; }
}

public sealed record OrganisationRegistered(
    string OrganisationId, string Name, OrganisationKind Kind, string Country, LocalDate FoundedOn,
    string RecordedBy, Instant OccurredAt) : IOrganisationEvent;

/// <summary>From <see cref="EffectiveFrom"/> on, the organisation's direct parent is <see cref="ParentId"/> (null: none).</summary>
public sealed record OrganisationParentChanged(
    string OrganisationId, string? ParentId, LocalDate EffectiveFrom, string RecordedBy, Instant OccurredAt) : IOrganisationEvent;
