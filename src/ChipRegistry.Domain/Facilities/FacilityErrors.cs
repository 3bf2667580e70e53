using ChipRegistry.Domain.Common;

namespace ChipRegistry.Domain.Facilities;

/// <summary>The stable error codes of facility decisions, each with its kind.</summary>
public static class FacilityErrors
{
    public const string NotOperator = "not_operator";
    public const string FacilityAlreadyRegistered = "facility_already_registered";
    public const string InvalidCountry = "invalid_country";
    public const string InvalidCoordinates = "invalid_coordinates";
    public const string InvalidPower = "invalid_power";
    public const string FacilityNotRegistered = "facility_not_registered";
    public const string NotFacilityOperator = "not_facility_operator";
    public const string ClusterAlreadyRegistered = "cluster_already_registered";
    public const string OperatorNotRegistered = "operator_not_registered";
    public const string NotAnOperator = "not_an_operator";
    public const string InvalidEffectiveDate = "invalid_effective_date";
    public const string OperatorUnchanged = "operator_unchanged";

    public static IReadOnlyDictionary<string, ErrorKind> ErrorKinds { get; } = new Dictionary<string, ErrorKind>(StringComparer.Ordinal)
    {
        [NotOperator] = ErrorKind.Refused,
        [FacilityAlreadyRegistered] = ErrorKind.Conflict,
        [InvalidCountry] = ErrorKind.Invalid,
        [InvalidCoordinates] = ErrorKind.Invalid,
        [InvalidPower] = ErrorKind.Invalid,
        [FacilityNotRegistered] = ErrorKind.NotFound,
        [NotFacilityOperator] = ErrorKind.Conflict,
        [ClusterAlreadyRegistered] = ErrorKind.Conflict,
        [OperatorNotRegistered] = ErrorKind.NotFound,
        [NotAnOperator] = ErrorKind.Invalid,
        [InvalidEffectiveDate] = ErrorKind.Invalid,
        [OperatorUnchanged] = ErrorKind.Conflict,
    };
}
