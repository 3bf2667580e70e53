using ChipRegistry.Domain.Detection.Flags;
using NodaTime;
using NodaTime.Text;

namespace ChipRegistry.Domain.Detection.TaintedOrigin;

/// <summary>
/// A chip of a PRC-designed 3A090-class model installed at a registered facility (rule 15), from its installation
/// (<see cref="SeqId"/>) until the installation ends (<see cref="RemovedAt"/>, null while it stands). <see cref="ControlClass"/>
/// is the model's class on the installation date; <see cref="DesignerId"/> the model's manufacturer. Kept, marked, when
/// the installation is voided, so the act's first evidence never moves and its flag is withdrawn rather than lost.
/// </summary>
public sealed record TaintedInstallation(
    string ChipId, long SeqId, string FacilityId, string Country, string OperatorId, Instant InstalledAt, string ModelId, string DesignerId,
    string ControlClass, Instant? RemovedAt, long? RemovalSeqId, bool Voided) : IVoidableFact
{
    /// <summary>One flag per installing act: facility, operator and business instant.</summary>
    public string GroupKey => string.Join('|', FacilityId, OperatorId, InstantPattern.ExtendedIso.Format(InstalledAt));
}
