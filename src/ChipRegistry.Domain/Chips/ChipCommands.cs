using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Facilities;
using ChipRegistry.Domain.Licences;
using ChipRegistry.Domain.Organisations;
using NodaTime;

namespace ChipRegistry.Domain.Chips;

/// <summary>
/// A command on one chip. <see cref="EventId"/> is the id of the (first) event it produces, chosen by the caller;
/// the clock (<see cref="At"/>) and the acting organisation come with it.
/// </summary>
public interface IChipCommand
{
    Guid EventId { get; }

    string ChipId { get; }

    Actor Actor { get; }

    Instant At { get; }
}

/// <summary>
/// A report of a physical fact about the chip. From its rightful party (custodian, named consignee, facility operator)
/// it is checked by the lifecycle; from anyone else, or after destruction or loss, it is appended as an observation.
/// </summary>
public interface IChipReport : IChipCommand;

public sealed record RegisterChip(Guid EventId, string ChipId, string ModelId, string LotId, string Country, Actor Actor, Instant At) : IChipCommand;

public sealed record OfferChipSale(Guid EventId, string ChipId, string BuyerId, Actor Actor, Instant At) : IChipCommand;

public sealed record AcceptChipSale(Guid EventId, string ChipId, Actor Actor, Instant At) : IChipCommand;

/// <summary>
/// What the licence check needs, resolved by the caller from projections: the chip model's effective spec, the
/// consignee's and end user's jurisdictions on the ship date, the cited licence or notification (null if none or
/// unknown), the chips already shipped under that licence, and how many chips this shipment moves.
/// </summary>
public sealed record ShipmentContext(
    AcceleratorSpec Model,
    PartyJurisdiction Consignee,
    PartyJurisdiction EndUser,
    Licence? Licence,
    ExportNotification? Notification,
    int AlreadyShippedUnderLicence,
    int ShipmentQuantity = 1);

public sealed record ShipChip(
    Guid EventId, string ChipId, string DestinationCountry, string ConsigneeId, string EndUserId, string BillToId, string ShipToId,
    string PayerId, string? AuthorisationNumber, ShipmentContext Context, Actor Actor, Instant At, string? ViaAssembly = null) : IChipReport;

/// <summary><see cref="Country"/> is where the receiver says it received the chip.</summary>
public sealed record ReceiveChip(Guid EventId, string ChipId, string Country, Actor Actor, Instant At, string? ViaAssembly = null) : IChipReport;

/// <summary><see cref="Facility"/> is the facility's current state (its operator and clusters), resolved by the caller.</summary>
public sealed record InstallChip(Guid EventId, string ChipId, Facility Facility, string ClusterId, string Rack, Actor Actor, Instant At, string? ViaAssembly = null) : IChipReport;

public sealed record AssignChipTenant(Guid EventId, string ChipId, string TenantId, Instant From, Instant? To, Actor Actor, Instant At) : IChipReport;

public sealed record AttestChipLocation(
    Guid EventId, string ChipId, string FacilityId, string Method, decimal? RoundTripMs, string? LandmarkId, SignatureResult Signature,
    Actor Actor, Instant At) : IChipReport;

public sealed record RemoveChip(Guid EventId, string ChipId, string Reason, Actor Actor, Instant At) : IChipReport;

public sealed record ReturnChip(Guid EventId, string ChipId, string RmaNumber, string DestinationCountry, Actor Actor, Instant At) : IChipReport;

public sealed record DecommissionChip(Guid EventId, string ChipId, string Reason, Actor Actor, Instant At) : IChipReport;

public sealed record DestroyChip(Guid EventId, string ChipId, string Method, Actor Actor, Instant At) : IChipReport;

public sealed record ReportChipMissing(Guid EventId, string ChipId, MissingKind Kind, string Circumstances, Actor Actor, Instant At) : IChipReport;

public sealed record PackChip(Guid EventId, string ChipId, string AssemblyId, Actor Actor, Instant At) : IChipReport;

public sealed record UnpackChip(Guid EventId, string ChipId, string AssemblyId, Actor Actor, Instant At) : IChipReport;

/// <summary>A free-form sighting or statement about a chip by anyone: always appended.</summary>
public sealed record ReportChipObservation(
    Guid EventId, string ChipId, string Kind, string? FacilityId, string? Country, string Details, Actor Actor, Instant At) : IChipReport;

public sealed record PlaceChipHold(Guid EventId, string ChipId, string Reason, Actor Actor, Instant At, string? LotId = null) : IChipCommand;

public sealed record ReleaseChipHold(Guid EventId, string ChipId, string Reason, Actor Actor, Instant At) : IChipCommand;

public sealed record DeclareChipIllegitimate(Guid EventId, string ChipId, string Reason, Actor Actor, Instant At) : IChipCommand;

/// <summary>Void <see cref="TargetEventId"/> (and first, newest first, every event depending on it).</summary>
public sealed record VoidChipEvent(Guid EventId, string ChipId, Guid TargetEventId, string Reason, Actor Actor, Instant At) : IChipCommand;
