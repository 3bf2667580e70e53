using ChipRegistry.Domain.Common;
using NodaTime;
using static ChipRegistry.Domain.Chips.ChipErrors;

namespace ChipRegistry.Domain.Chips;

public sealed record ReleaseChipHold(Guid EventId, string ChipId, string Reason, Actor Actor, Instant At) : IChipCommand;

public static partial class ChipDecisions
{
    private static Decision<IChipEvent> ReleaseHold(ReleaseChipHold c, ChipState s)
    {
        if (AgencyGuard(c, s, c.Reason) is { } error) return error;
        if (s.Hold is null) return Error(ChipNotOnHold, "the chip is not on hold");
        return Accepted(new ChipHoldReleased(c.EventId, s.ChipId, s.Hold.EventId, c.Reason, Who(c), c.At));
    }
}
