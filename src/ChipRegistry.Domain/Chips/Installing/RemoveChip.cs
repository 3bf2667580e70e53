using ChipRegistry.Domain.Common;
using NodaTime;
using static ChipRegistry.Domain.Chips.ChipErrors;

namespace ChipRegistry.Domain.Chips;

public sealed record RemoveChip(Guid EventId, string ChipId, string Reason, Actor Actor, Instant At) : IChipReport;

public static partial class ChipDecisions
{
    private static Decision<IChipEvent> Remove(RemoveChip c, ChipState s) => Report(c, s, Who(c) == s.CustodianId, "removal",
        new ReportFacts(s.Installation?.FacilityId, null, null, $"removed: {c.Reason}"), () =>
        {
            if (s.Stage != ChipStage.Installed) return Error(ChipNotInstalled, "the chip is not installed");
            if (s.IsPacked) return Error(ChipInAssembly, $"the chip is packed in assembly {s.AssemblyId}");
            return Accepted(new ChipRemoved(c.EventId, s.ChipId, s.Installation!.FacilityId, c.Reason, Who(c), c.At));
        });
}
