using ChipRegistry.Domain.Common;
using NodaTime;

namespace ChipRegistry.Domain.Chips;

/// <summary>A free-form sighting or statement about a chip by anyone: always appended.</summary>
public sealed record ReportChipObservation(
    Guid EventId, string ChipId, string Kind, string? FacilityId, string? Country, string Details, Actor Actor, Instant At) : IChipReport;

public static partial class ChipDecisions
{
    private static Decision<IChipEvent> Observation(ReportChipObservation c, ChipState s)
    {
        var conflict =
            s.Stage == ChipStage.Unregistered ? ConflictCodes.UnregisteredChip
            : Who(c) != s.CustodianId ? ConflictCodes.NotCustodian
            : s.Stage == ChipStage.Destroyed ? ConflictCodes.ChipDestroyed
            : s.Stage == ChipStage.Missing ? ConflictCodes.ChipMissing
            : c.FacilityId is not null && c.FacilityId != s.Installation?.FacilityId ? ConflictCodes.OtherFacility
            : c.Country is not null && c.Country != s.LocationCountry ? ConflictCodes.OtherCountry
            : ConflictCodes.None;
        return Observe(c, s, c.Kind, conflict, new ReportFacts(c.FacilityId, c.Country, null, c.Details));
    }
}
