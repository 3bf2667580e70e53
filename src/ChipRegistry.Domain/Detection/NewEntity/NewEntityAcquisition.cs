using ChipRegistry.Domain.Detection.Flags;
using NodaTime;

namespace ChipRegistry.Domain.Detection.NewEntity;

/// <summary>
/// A chip acquired (its sale accepted) by an organisation while the organisation was new: its acceptance date no
/// later than <see cref="NewUntil"/> (founded on + <c>new_entity_months</c>, the value in force at the acquisition).
/// <see cref="ParentRestricted"/>: the buyer's ultimate parent is in D:5 or Macau on that date, as the registry knew it
/// when the acceptance was recorded. Kept, marked, when voided, so the group's first evidence never moves.
/// </summary>
public sealed record NewEntityAcquisition(
    string ChipId, long SeqId, string BuyerId, string BuyerCountry, LocalDate FoundedOn, LocalDate NewUntil, Instant At,
    bool ParentRestricted, bool Voided) : IVoidableFact
{
    /// <summary>One flag per organisation: a new entity crosses the minimum once.</summary>
    public string GroupKey => BuyerId;
}
