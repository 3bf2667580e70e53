using ChipRegistry.Domain.Attestations;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Licences;
using NodaTime;

namespace ChipRegistry.Domain.Chips;

/// <summary>Every event of a chip's stream: its id (so it can be voided), the chip, then facts, who and when.</summary>
public interface IChipEvent : IDomainEvent
{
    Guid EventId { get; }

    string ChipId { get; }
}

public enum MissingKind
{
    Lost,
    Stolen,
}

/// <summary>The manufacturer made the chip (in a lot); it is owner and custodian.</summary>
public sealed record ChipFabricated(
    Guid EventId, string ChipId, string ModelId, string ManufacturerId, string LotId, string Country,
    string RecordedBy, Instant OccurredAt) : IChipEvent;

/// <summary>The owner offered the chip to a named buyer. Ownership does not change yet.</summary>
public sealed record ChipSaleOffered(Guid EventId, string ChipId, string SellerId, string BuyerId, string RecordedBy, Instant OccurredAt) : IChipEvent;

/// <summary>The named buyer accepted: ownership changes now (custody does not).</summary>
public sealed record ChipSaleAccepted(Guid EventId, string ChipId, Guid OfferEventId, string SellerId, string BuyerId, string RecordedBy, Instant OccurredAt) : IChipEvent;

/// <summary>
/// The physical custodian shipped the chip. Every shipment records the licence check result computed by
/// <see cref="LicenceCheck"/> (and the requirement's reason code), whatever it is: detection judges it.
/// </summary>
public sealed record ChipShipped(
    Guid EventId, string ChipId, string DestinationCountry, string ConsigneeId, string EndUserId,
    string BillToId, string ShipToId, string PayerId, string? AuthorisationNumber,
    LicenceCheckResult LicenceCheck, string LicenceRequirementCode, string LicenceCheckDetail, string? AssemblyId,
    string RecordedBy, Instant OccurredAt, int? LicenceQuantity = null) : IChipEvent;

/// <summary>
/// The named consignee received the chip: it becomes the custodian. <see cref="OtherCountry"/> marks a receipt in another
/// country than the shipment's destination: kept (the consignee has the chip), and left to detection (location mismatch).
/// </summary>
public sealed record ChipReceived(
    Guid EventId, string ChipId, Guid ShipmentEventId, string Country, string? AssemblyId, string RecordedBy, Instant OccurredAt, bool OtherCountry = false) : IChipEvent;

public sealed record ChipInstalled(
    Guid EventId, string ChipId, string FacilityId, string OperatorId, string Country, string ClusterId, string Rack, string? AssemblyId,
    string RecordedBy, Instant OccurredAt) : IChipEvent;

/// <summary>A cloud tenant was assigned the installed chip for [From, To).</summary>
public sealed record ChipTenantAssigned(Guid EventId, string ChipId, string TenantId, Instant From, Instant? To, string RecordedBy, Instant OccurredAt) : IChipEvent;

/// <summary>
/// The chip's location was attested at its facility; the signature verification result is part of the fact.
/// <see cref="MeasuredByLandmark"/>: the round trip was measured by the landmark itself; otherwise (and in every
/// attestation recorded before the field existed) it is self-reported by the attesting operator.
/// </summary>
public sealed record ChipLocationAttested(
    Guid EventId, string ChipId, string FacilityId, string Method, decimal? RoundTripMs, string? LandmarkId, SignatureResult Signature,
    string RecordedBy, Instant OccurredAt, bool MeasuredByLandmark = false) : IChipEvent;

public sealed record ChipRemoved(Guid EventId, string ChipId, string FacilityId, string Reason, string RecordedBy, Instant OccurredAt) : IChipEvent;

/// <summary>Returned to its manufacturer under an RMA: in transit to the manufacturer, who receives it as consignee.</summary>
public sealed record ChipReturned(Guid EventId, string ChipId, string RmaNumber, string ManufacturerId, string DestinationCountry, string RecordedBy, Instant OccurredAt) : IChipEvent;

public sealed record ChipDecommissioned(Guid EventId, string ChipId, string Reason, string RecordedBy, Instant OccurredAt) : IChipEvent;

public sealed record ChipDestroyed(Guid EventId, string ChipId, string Method, string RecordedBy, Instant OccurredAt) : IChipEvent;

public sealed record ChipMissingReported(Guid EventId, string ChipId, MissingKind Kind, string Circumstances, string RecordedBy, Instant OccurredAt) : IChipEvent;

public sealed record ChipPacked(Guid EventId, string ChipId, string AssemblyId, string RecordedBy, Instant OccurredAt) : IChipEvent;

public sealed record ChipUnpacked(Guid EventId, string ChipId, string AssemblyId, string RecordedBy, Instant OccurredAt) : IChipEvent;

/// <summary>
/// A report about the chip that the lifecycle does not accept as a custodian's act (a receipt by an unexpected
/// party, an installation or attestation elsewhere, anything after destruction): kept as evidence, never rejected.
/// <see cref="Kind"/> names what was reported (the command's stored name), <see cref="ConflictCode"/> why it conflicts.
/// It keeps the time its reporter states (evidence); <see cref="OutOfOrder"/> marks one dated before the chip's latest
/// accepted act at the time it was recorded.
/// </summary>
public sealed record ChipObserved(
    Guid EventId, string ChipId, string Kind, bool Conflicting, string ConflictCode, string? FacilityId, string? Country,
    string? CounterpartyId, string Details, string RecordedBy, Instant OccurredAt, bool OutOfOrder = false) : IChipEvent;

public sealed record ChipHoldPlaced(Guid EventId, string ChipId, string Reason, string? LotId, string RecordedBy, Instant OccurredAt) : IChipEvent;

public sealed record ChipHoldReleased(Guid EventId, string ChipId, Guid HoldEventId, string Reason, string RecordedBy, Instant OccurredAt) : IChipEvent;

public sealed record ChipIllegitimacyDeclared(Guid EventId, string ChipId, string Reason, string RecordedBy, Instant OccurredAt) : IChipEvent;

/// <summary>
/// A correction: <see cref="VoidedEventId"/> no longer counts. <see cref="RootEventId"/> is the event the voider
/// asked to void; the others of the same cascade depend on it and are voided first, newest first.
/// </summary>
public sealed record ChipEventVoided(Guid EventId, string ChipId, Guid VoidedEventId, Guid RootEventId, string Reason, string RecordedBy, Instant OccurredAt) : IChipEvent;
