using NodaTime;

namespace ChipRegistry.Domain.Detection.OverCapacity;

/// <summary>
/// A chip installed at a facility (rule 10) from its installation (<see cref="SeqId"/>) until the installation ends
/// (<see cref="EndedAt"/>, null while it stands), drawing its model's TDP (<see cref="TdpWatts"/>, null when the spec
/// in force at the installation states none: it then draws nothing the rule can count).
/// </summary>
public sealed record InstalledStay(string ChipId, long SeqId, string FacilityId, Instant InstalledAt, Instant? EndedAt, long? EndSeqId, decimal? TdpWatts)
{
    /// <summary>A facility's stays are judged together: its load is their sum.</summary>
    public string GroupKey => FacilityId;
}

/// <summary>A facility's declared power from <see cref="At"/> on (its registration or a later declaration).</summary>
public sealed record DeclaredPower(long SeqId, Instant At, decimal Megawatts);
