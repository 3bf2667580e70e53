using ChipRegistry.Domain.Common;
using NodaTime;
using static ChipRegistry.Domain.Chips.ChipErrors;

namespace ChipRegistry.Domain.Chips;

public sealed record PackChip(Guid EventId, string ChipId, string AssemblyId, Actor Actor, Instant At) : IChipReport;

public static partial class ChipDecisions
{
    private static Decision<IChipEvent> Pack(PackChip c, ChipState s) => Report(c, s, Who(c) == s.CustodianId, "packing",
        new ReportFacts(null, null, null, $"packed into {c.AssemblyId}"), () =>
        {
            if (NotInStock(s) is { } stage) return stage;
            if (s.IsPacked) return Error(ChipInAssembly, $"the chip is already packed in assembly {s.AssemblyId}");
            return Accepted(new ChipPacked(c.EventId, s.ChipId, c.AssemblyId, Who(c), c.At));
        });
}
