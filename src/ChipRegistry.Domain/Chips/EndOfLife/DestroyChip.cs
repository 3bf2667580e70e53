using ChipRegistry.Domain.Common;
using NodaTime;
using static ChipRegistry.Domain.Chips.ChipErrors;

namespace ChipRegistry.Domain.Chips;

public sealed record DestroyChip(Guid EventId, string ChipId, string Method, Actor Actor, Instant At) : IChipReport;

public static partial class ChipDecisions
{
    private static Decision<IChipEvent> Destroy(DestroyChip c, ChipState s) => Report(c, s, Who(c) == s.CustodianId, "destruction",
        new ReportFacts(null, null, null, $"destroyed by {c.Method}"), () =>
        {
            if (s.Stage is ChipStage.InTransit or ChipStage.Installed) return NotInStock(s)!; // a decommissioned chip may be destroyed
            if (s.IsPacked) return Error(ChipInAssembly, $"the chip is packed in assembly {s.AssemblyId}");
            return Accepted(new ChipDestroyed(c.EventId, s.ChipId, c.Method, Who(c), c.At));
        }, allowedWhenIllegitimate: true);
}
