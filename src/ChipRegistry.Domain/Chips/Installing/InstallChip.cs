using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Facilities;
using NodaTime;
using static ChipRegistry.Domain.Chips.ChipErrors;

namespace ChipRegistry.Domain.Chips;

/// <summary><see cref="Facility"/> is the facility's current state (its operator and clusters), resolved by the caller.</summary>
public sealed record InstallChip(Guid EventId, string ChipId, Facility Facility, string ClusterId, string Rack, Actor Actor, Instant At, string? ViaAssembly = null) : IChipReport;

public static partial class ChipDecisions
{
    private static Decision<IChipEvent> Install(InstallChip c, ChipState s) => Report(c, s, Who(c) == s.CustodianId, "installation",
        new ReportFacts(c.Facility.Id, c.Facility.Country, c.Facility.OperatorId, $"installed at {c.Facility.Id} cluster {c.ClusterId} rack {c.Rack}"), () =>
        {
            if (s.Stage == ChipStage.Installed) return Error(ChipAlreadyInstalled, $"the chip is installed at {s.Installation?.FacilityId}");
            if (NotInStock(s) is { } stage) return stage;
            if (AssemblyMismatch(s, c.ViaAssembly) is { } packed) return packed;
            if (c.Facility.OperatorId != Who(c)) return Error(NotFacilityOperator, $"this organisation does not operate facility {c.Facility.Id}");
            if (!c.Facility.HasCluster(c.ClusterId)) return Error(ClusterNotFound, $"{c.Facility.Id} has no cluster {c.ClusterId}");
            return Accepted(new ChipInstalled(c.EventId, s.ChipId, c.Facility.Id, c.Facility.OperatorId, c.Facility.Country, c.ClusterId, c.Rack, c.ViaAssembly, Who(c), c.At));
        });
}
