using ChipRegistry.Domain.Common;
using NodaTime;
using static ChipRegistry.Domain.Chips.ChipErrors;

namespace ChipRegistry.Domain.Chips;

public sealed record DeclareChipIllegitimate(Guid EventId, string ChipId, string Reason, Actor Actor, Instant At) : IChipCommand;

public static partial class ChipDecisions
{
    private static Decision<IChipEvent> DeclareIllegitimate(DeclareChipIllegitimate c, ChipState s)
    {
        if (AgencyGuard(c, s, c.Reason) is { } error) return error;
        if (s.Stage == ChipStage.Destroyed) return Error(ChipErrors.ChipDestroyed, "the chip was destroyed");
        if (s.Illegitimacy is not null) return Error(ChipAlreadyIllegitimate, "already declared illegitimate");
        return Accepted(new ChipIllegitimacyDeclared(c.EventId, s.ChipId, c.Reason, Who(c), c.At));
    }
}
