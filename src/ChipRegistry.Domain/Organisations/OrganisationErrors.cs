using ChipRegistry.Domain.Common;

namespace ChipRegistry.Domain.Organisations;

/// <summary>The stable error codes of organisation decisions, each with its kind.</summary>
public static class OrganisationErrors
{
    public const string NotRegistryAdmin = "not_registry_admin";
    public const string OrganisationAlreadyRegistered = "organisation_already_registered";
    public const string InvalidOrganisation = "invalid_organisation";
    public const string InvalidCountry = "invalid_country";
    public const string OrganisationNotRegistered = "organisation_not_registered";
    public const string NotPermitted = "not_permitted";
    public const string ParentNotRegistered = "parent_not_registered";
    public const string ParentCycle = "parent_cycle";

    public static IReadOnlyDictionary<string, ErrorKind> ErrorKinds { get; } = new Dictionary<string, ErrorKind>(StringComparer.Ordinal)
    {
        [NotRegistryAdmin] = ErrorKind.Refused,
        [OrganisationAlreadyRegistered] = ErrorKind.Conflict,
        [InvalidOrganisation] = ErrorKind.Invalid,
        [InvalidCountry] = ErrorKind.Invalid,
        [OrganisationNotRegistered] = ErrorKind.NotFound,
        [NotPermitted] = ErrorKind.Refused,
        // 404 as the suffix rule gave it, though the request's own organisation exists: the parent it names does not.
        [ParentNotRegistered] = ErrorKind.NotFound,
        [ParentCycle] = ErrorKind.Invalid,
    };
}
