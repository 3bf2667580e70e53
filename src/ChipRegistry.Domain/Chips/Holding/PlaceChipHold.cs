using ChipRegistry.Domain.Common;
using NodaTime;
using static ChipRegistry.Domain.Chips.ChipErrors;

namespace ChipRegistry.Domain.Chips;

public sealed record PlaceChipHold(Guid EventId, string ChipId, string Reason, Actor Actor, Instant At, string? LotId = null) : IChipCommand;

public static partial class ChipDecisions
{
    private static Decision<IChipEvent> PlaceHold(PlaceChipHold c, ChipState s)
    {
        if (AgencyGuard(c, s, c.Reason) is { } error) return error;
        if (s.Stage == ChipStage.Destroyed) return Error(ChipErrors.ChipDestroyed, "the chip was destroyed");
        if (s.Hold is not null) return Error(ChipAlreadyOnHold, "the chip is already on hold");
        return Accepted(new ChipHoldPlaced(c.EventId, s.ChipId, c.Reason, c.LotId, Who(c), c.At));
    }
}
