using ChipRegistry.Domain.Chips;
using NodaTime;

namespace ChipRegistry.Domain.Projections.Placements;

/// <summary>
/// One stay of a chip: where it was and who held, ran and rented it over <c>[From, To)</c> in business time
/// (<see cref="To"/> null while it lasts). <see cref="StartedBySeqId"/> is the event that began the stay (for a
/// tenancy's start or end inside an installation, the tenant assignment).
/// </summary>
public sealed record Placement(
    string ChipId,
    int Ordinal,
    Instant From,
    Instant? To,
    ChipStage Status,
    string? ModelId,
    string? OwnerId,
    string? CustodianId,
    string? Country,
    string? FacilityId,
    string? ClusterId,
    string? OperatorId,
    string? TenantId,
    string? AssemblyId,
    long StartedBySeqId);

/// <summary>A chip event with its position in the global sequence.</summary>
public sealed record SequencedChipEvent(long SeqId, IChipEvent Event);
