using ChipRegistry.Domain.Common;
using NodaTime;
using static ChipRegistry.Domain.Chips.ChipErrors;

namespace ChipRegistry.Domain.Chips;

public sealed record AssignChipTenant(Guid EventId, string ChipId, string TenantId, Instant From, Instant? To, Actor Actor, Instant At) : IChipReport;

public static partial class ChipDecisions
{
    private static Decision<IChipEvent> AssignTenant(AssignChipTenant c, ChipState s) => Report(c, s, Who(c) == s.CustodianId, "tenant_assignment",
        new ReportFacts(null, null, c.TenantId, $"assigned to tenant {c.TenantId} from {c.From}"), () =>
        {
            if (s.Stage != ChipStage.Installed) return Error(ChipNotInstalled, "only an installed chip is assigned to a tenant");
            if (c.To is { } to && to <= c.From) return Error(InvalidTenancy, "a tenancy ends after it starts");
            return Accepted(new ChipTenantAssigned(c.EventId, s.ChipId, c.TenantId, c.From, c.To, Who(c), c.At));
        });
}
