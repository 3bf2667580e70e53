using ChipRegistry.Domain.Common;
using NodaTime;

namespace ChipRegistry.Domain.Chips;

public sealed record ReportChipMissing(Guid EventId, string ChipId, MissingKind Kind, string Circumstances, Actor Actor, Instant At) : IChipReport;

public static partial class ChipDecisions
{
    private static Decision<IChipEvent> ReportMissing(ReportChipMissing c, ChipState s) => Report(c, s, Who(c) == s.CustodianId || Who(c) == s.OwnerId, "missing_report",
        new ReportFacts(null, null, null, $"reported {c.Kind.ToString().ToLowerInvariant()}: {c.Circumstances}"),
        () => Accepted(new ChipMissingReported(c.EventId, s.ChipId, c.Kind, c.Circumstances, Who(c), c.At)),
        allowedWhenHeld: true, allowedWhenIllegitimate: true);
}
