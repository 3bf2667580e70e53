using ChipRegistry.Domain.Common;
using NodaTime;
using static ChipRegistry.Domain.Chips.ChipErrors;

namespace ChipRegistry.Domain.Chips;

public sealed record DecommissionChip(Guid EventId, string ChipId, string Reason, Actor Actor, Instant At) : IChipReport;

public static partial class ChipDecisions
{
    private static Decision<IChipEvent> Decommission(DecommissionChip c, ChipState s) => Report(c, s, Who(c) == s.CustodianId, "decommissioning",
        new ReportFacts(null, null, null, $"decommissioned: {c.Reason}"), () =>
        {
            if (NotInStock(s, ChipAlreadyDecommissioned) is { } stage) return stage;
            if (s.IsPacked) return Error(ChipInAssembly, $"the chip is packed in assembly {s.AssemblyId}");
            return Accepted(new ChipDecommissioned(c.EventId, s.ChipId, c.Reason, Who(c), c.At));
        });
}
