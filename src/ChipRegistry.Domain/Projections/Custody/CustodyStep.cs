using NodaTime;

namespace ChipRegistry.Domain.Projections.Custody;

/// <summary>
/// One link of a chip's custody chain: who owned it and who physically held it over <c>[From, To)</c> in business
/// time (<see cref="To"/> null while it lasts), and the event that began the link (<see cref="StartedBySeqId"/>).
/// </summary>
public sealed record CustodyStep(int Ordinal, Instant From, Instant? To, string? OwnerId, string? CustodianId, long StartedBySeqId);

/// <summary>The event behind a custody step, as the store recorded it.</summary>
public sealed record CustodyCause(long SeqId, string Type, Instant OccurredAt);
