using ChipRegistry.Domain.Attestations;
using ChipRegistry.Domain.Common;
using NodaTime;
using static ChipRegistry.Domain.Chips.ChipErrors;

namespace ChipRegistry.Domain.Chips;

public sealed record AttestChipLocation(
    Guid EventId, string ChipId, string FacilityId, string Method, decimal? RoundTripMs, string? LandmarkId, SignatureResult Signature,
    Actor Actor, Instant At, bool MeasuredByLandmark = false) : IChipReport;

public static partial class ChipDecisions
{
    private static Decision<IChipEvent> Attest(AttestChipLocation c, ChipState s)
    {
        var facts = new ReportFacts(c.FacilityId, null, null, $"attested at {c.FacilityId} by {c.Method}, signature {c.Signature}");
        return Report(c, s, Who(c) == s.CustodianId, "location_attestation", facts, () =>
        {
            if (s.Stage != ChipStage.Installed) return Error(ChipNotInstalled, "only an installed chip's location is attested");
            if (s.Installation!.FacilityId != c.FacilityId) return Observe(c, s, "location_attestation", ConflictCodes.OtherFacility, facts);
            return Accepted(new ChipLocationAttested(c.EventId, s.ChipId, c.FacilityId, c.Method, c.RoundTripMs, c.LandmarkId, c.Signature, Who(c), c.At, c.MeasuredByLandmark));
        }, allowedWhenHeld: true, allowedWhenIllegitimate: true);
    }
}
