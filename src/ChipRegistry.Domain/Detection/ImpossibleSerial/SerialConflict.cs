using ChipRegistry.Domain.Detection.Flags;
using NodaTime;

namespace ChipRegistry.Domain.Detection.ImpossibleSerial;

/// <summary>
/// A report that one physical chip cannot have made (rule 11): placed at a facility while installed at another
/// (<see cref="Concurrent"/>), placed so far from its previous placement that the implied speed is above the limit
/// (<see cref="Speed"/>), or reported after its destruction (<see cref="AfterDestruction"/>). <see cref="OtherSeqId"/>
/// is the event it conflicts with (the installation, the previous placement, the destruction). Kept, marked, when
/// either event is voided, so the group's first evidence never moves.
/// </summary>
public sealed record SerialConflict(
    string ChipId, long SeqId, string Kind, string Report, string RecorderId, Instant At, long OtherSeqId, Instant OtherAt, string? FacilityId,
    string? OtherFacilityId, decimal? DistanceKm, decimal? SpeedKmh, decimal? MaxSpeedKmh, bool Voided) : IVoidableFact
{
    public const string Concurrent = "concurrent";
    public const string Speed = "speed";
    public const string AfterDestruction = "after_destruction";

    /// <summary>
    /// One flag per chip, whatever its kinds of conflict: a flag's id derives from its subject and first evidence, and
    /// one report can conflict in two ways (placed elsewhere while installed, and too far too soon).
    /// </summary>
    public string GroupKey => ChipId;
}
