using NodaTime;
using NodaTime.Text;

namespace ChipRegistry.Domain.Detection.AttestationSilence;

/// <summary>
/// A stretch in which an installed chip had no location attestation (rule 12): from its installation or last
/// attestation (<see cref="StartSeqId"/>, <see cref="StartedAt"/>) to its next attestation or the end of the installation
/// (<see cref="EndedAt"/>, null while it lasts). Only stretches that last, or lasted past their deadline, are kept.
/// </summary>
public sealed record SilentStretch(
    string ChipId, long StartSeqId, string FacilityId, string Country, Instant StartedAt, Instant? EndedAt, long? EndSeqId, string? EndedBy)
{
    public const string Attested = "attestation";
    public const string Uninstalled = "removal";

    /// <summary>One flag per facility and the UTC day its chips fell silent.</summary>
    public string GroupKey => string.Join('|', FacilityId, LocalDatePattern.Iso.Format(StartedAt.InUtc().Date));
}
