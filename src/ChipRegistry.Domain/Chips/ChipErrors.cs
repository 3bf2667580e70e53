using ChipRegistry.Domain.Common;

namespace ChipRegistry.Domain.Chips;

/// <summary>The stable error codes of chip decisions, each with its kind (<see cref="ErrorKinds"/>).</summary>
public static class ChipErrors
{
    public const string ChipNotRegistered = "chip_not_registered";

    /// <summary>Not registered or not visible to the caller: the two are answered alike, so nothing leaks.</summary>
    public const string ChipNotFound = "chip_not_found";
    public const string ChipAlreadyRegistered = "chip_already_registered";
    public const string NotManufacturer = "not_manufacturer";
    public const string InvalidChip = "invalid_chip";
    public const string InvalidCountry = "invalid_country";
    public const string NotOwner = "not_owner";
    public const string InvalidBuyer = "invalid_buyer";
    public const string SaleAlreadyOffered = "sale_already_offered";
    public const string NoOpenOffer = "no_open_offer";
    public const string NotNamedBuyer = "not_named_buyer";
    public const string ChipOnHold = "chip_on_hold";
    public const string ChipIllegitimate = "chip_illegitimate";
    public const string ChipDestroyed = "chip_destroyed";
    public const string ChipMissing = "chip_missing";
    public const string ChipDecommissioned = "chip_decommissioned";
    public const string ChipAlreadyDecommissioned = "chip_already_decommissioned";
    public const string ChipInTransit = "chip_in_transit";
    public const string ChipNotInTransit = "chip_not_in_transit";
    public const string ChipInstalled = "chip_installed";
    public const string ChipAlreadyInstalled = "chip_already_installed";
    public const string ChipNotInstalled = "chip_not_installed";
    public const string ChipInAssembly = "chip_in_assembly";
    public const string ChipNotInAssembly = "chip_not_in_assembly";
    public const string NotFacilityOperator = "not_facility_operator";
    public const string ClusterNotFound = "cluster_not_found";
    public const string InvalidTenancy = "invalid_tenancy";
    public const string ModelSpecMismatch = "model_spec_mismatch";
    public const string NotAgency = "not_agency";
    public const string ReasonRequired = "reason_required";
    public const string ChipAlreadyOnHold = "chip_already_on_hold";
    public const string ChipNotOnHold = "chip_not_on_hold";
    public const string ChipAlreadyIllegitimate = "chip_already_illegitimate";
    public const string EventNotFound = "event_not_found";
    public const string EventNotVoidable = "event_not_voidable";
    public const string EventAlreadyVoided = "event_already_voided";
    public const string VoidNotPermitted = "void_not_permitted";
    public const string VoidDependentsByOthers = "void_dependents_by_others";

    /// <summary>An act dated before the chip's latest accepted act (<see cref="ChipState.LastActAt"/>).</summary>
    public const string OccurredOutOfOrder = "occurred_out_of_order";

    public const string LotNotFound = "lot_not_found";
    public const string DuplicateChip = "duplicate_chip";

    public static IReadOnlyDictionary<string, ErrorKind> ErrorKinds { get; } = new Dictionary<string, ErrorKind>(StringComparer.Ordinal)
    {
        [ChipNotRegistered] = ErrorKind.NotFound,
        [ChipNotFound] = ErrorKind.NotFound,
        [ChipAlreadyRegistered] = ErrorKind.Conflict,
        [NotManufacturer] = ErrorKind.Refused,
        [InvalidChip] = ErrorKind.Invalid,
        [InvalidCountry] = ErrorKind.Invalid,
        [NotOwner] = ErrorKind.Conflict,
        [InvalidBuyer] = ErrorKind.Invalid,
        [SaleAlreadyOffered] = ErrorKind.Conflict,
        [NoOpenOffer] = ErrorKind.Conflict,
        [NotNamedBuyer] = ErrorKind.Conflict,
        [ChipOnHold] = ErrorKind.Conflict,
        [ChipIllegitimate] = ErrorKind.Conflict,
        [ChipDestroyed] = ErrorKind.Conflict,
        [ChipMissing] = ErrorKind.Conflict,
        [ChipDecommissioned] = ErrorKind.Conflict,
        [ChipAlreadyDecommissioned] = ErrorKind.Conflict,
        [ChipInTransit] = ErrorKind.Conflict,
        [ChipNotInTransit] = ErrorKind.Conflict,
        [ChipInstalled] = ErrorKind.Conflict,
        [ChipAlreadyInstalled] = ErrorKind.Conflict,
        [ChipNotInstalled] = ErrorKind.Conflict,
        [ChipInAssembly] = ErrorKind.Conflict,
        [ChipNotInAssembly] = ErrorKind.Conflict,
        [NotFacilityOperator] = ErrorKind.Conflict,
        [ClusterNotFound] = ErrorKind.NotFound,
        [InvalidTenancy] = ErrorKind.Invalid,
        [ModelSpecMismatch] = ErrorKind.Invalid,
        [NotAgency] = ErrorKind.Refused,
        [ReasonRequired] = ErrorKind.Invalid,
        [ChipAlreadyOnHold] = ErrorKind.Conflict,
        [ChipNotOnHold] = ErrorKind.Conflict,
        [ChipAlreadyIllegitimate] = ErrorKind.Conflict,
        [EventNotFound] = ErrorKind.NotFound,
        [EventNotVoidable] = ErrorKind.Conflict,
        [EventAlreadyVoided] = ErrorKind.Conflict,
        [VoidNotPermitted] = ErrorKind.Conflict,
        [VoidDependentsByOthers] = ErrorKind.Conflict,
        [OccurredOutOfOrder] = ErrorKind.Invalid,
        [LotNotFound] = ErrorKind.NotFound,
        [DuplicateChip] = ErrorKind.Invalid,
    };
}

/// <summary>Why an observation conflicts with the chip's recorded state (<see cref="ChipObserved.ConflictCode"/>).</summary>
public static class ConflictCodes
{
    public const string None = "none";
    public const string UnregisteredChip = "unregistered_chip";
    public const string NotCustodian = "not_custodian";
    public const string ChipDestroyed = "chip_destroyed";
    public const string ChipMissing = "chip_missing";
    public const string OtherFacility = "other_facility";
    public const string OtherCountry = "other_country";
}
