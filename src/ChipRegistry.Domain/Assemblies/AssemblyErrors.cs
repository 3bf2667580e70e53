using ChipRegistry.Domain.Common;

namespace ChipRegistry.Domain.Assemblies;

/// <summary>The stable error codes of assembly decisions, each with its kind.</summary>
public static class AssemblyErrors
{
    public const string NotIntegrator = "not_integrator";
    public const string AssemblyAlreadyRegistered = "assembly_already_registered";
    public const string InvalidAssembly = "invalid_assembly";
    public const string InvalidCountry = "invalid_country";
    public const string AssemblyNotRegistered = "assembly_not_registered";
    public const string AssemblyNotInStock = "assembly_not_in_stock";
    public const string AssemblyNotInTransit = "assembly_not_in_transit";
    public const string AssemblyInTransit = "assembly_in_transit";
    public const string AssemblyInstalled = "assembly_installed";
    public const string InvalidChipList = "invalid_chip_list";
    public const string ChipNotInAssembly = "chip_not_in_assembly";
    public const string ChipStateMissing = "chip_state_missing";
    public const string ModelSpecMissing = "model_spec_missing";
    public const string NotFacilityOperator = "not_facility_operator";
    public const string NotCustodian = "not_custodian";
    public const string ChipCustodyMismatch = "chip_custody_mismatch";

    public static IReadOnlyDictionary<string, ErrorKind> ErrorKinds { get; } = new Dictionary<string, ErrorKind>(StringComparer.Ordinal)
    {
        [NotIntegrator] = ErrorKind.Refused,
        [AssemblyAlreadyRegistered] = ErrorKind.Conflict,
        [InvalidAssembly] = ErrorKind.Invalid,
        [InvalidCountry] = ErrorKind.Invalid,
        [AssemblyNotRegistered] = ErrorKind.NotFound,
        [AssemblyNotInStock] = ErrorKind.Conflict,
        [AssemblyNotInTransit] = ErrorKind.Conflict,
        [AssemblyInTransit] = ErrorKind.Conflict,
        [AssemblyInstalled] = ErrorKind.Conflict,
        [InvalidChipList] = ErrorKind.Invalid,
        [ChipNotInAssembly] = ErrorKind.Conflict,
        [ChipStateMissing] = ErrorKind.Invalid,
        [ModelSpecMissing] = ErrorKind.Invalid,
        [NotFacilityOperator] = ErrorKind.Conflict,
        [NotCustodian] = ErrorKind.Conflict,
        [ChipCustodyMismatch] = ErrorKind.Conflict,
    };
}
