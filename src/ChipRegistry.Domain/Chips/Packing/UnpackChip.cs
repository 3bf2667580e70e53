using ChipRegistry.Domain.Common;
using NodaTime;
using static ChipRegistry.Domain.Chips.ChipErrors;

namespace ChipRegistry.Domain.Chips;

public sealed record UnpackChip(Guid EventId, string ChipId, string AssemblyId, Actor Actor, Instant At) : IChipReport;

public static partial class ChipDecisions
{
    private static Decision<IChipEvent> Unpack(UnpackChip c, ChipState s) => Report(c, s, Who(c) == s.CustodianId, "unpacking",
        new ReportFacts(null, null, null, $"unpacked from {c.AssemblyId}"), () =>
        {
            if (s.AssemblyId != c.AssemblyId) return Error(ChipNotInAssembly, $"the chip is not packed in assembly {c.AssemblyId}");
            if (s.Stage == ChipStage.InTransit) return Error(ChipInTransit, "the chip is in transit");
            if (s.Stage == ChipStage.Installed) return Error(ChipErrors.ChipInstalled, "the assembly is installed; remove it first");
            return Accepted(new ChipUnpacked(c.EventId, s.ChipId, c.AssemblyId, Who(c), c.At));
        });
}
