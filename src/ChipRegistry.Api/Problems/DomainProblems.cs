using ChipRegistry.Domain.Common;

namespace ChipRegistry.Api.Problems;

/// <summary>
/// The HTTP status of each domain error code. The code itself is passed through unchanged as the problem's
/// <c>code</c>, so clients see the domain's stable vocabulary. Unknown codes are 422: the request was understood
/// and refused.
/// </summary>
public static class DomainProblems
{
    /// <summary>Refused because of who the caller is; endpoints gate roles first, so these are the fallback.</summary>
    private static readonly HashSet<string> RoleRefusals = new(StringComparer.Ordinal)
    {
        "not_agency", "not_manufacturer", "not_operator", "not_integrator", "not_registry_admin", "not_permitted",
    };

    /// <summary>Refused because of the thing's current state or the caller's present relation to it.</summary>
    private static readonly HashSet<string> StateConflicts = new(StringComparer.Ordinal)
    {
        "not_owner", "not_named_buyer", "not_custodian", "not_facility_operator", "not_exporter", "not_model_manufacturer",
        "no_open_offer", "sale_already_offered", "chip_on_hold", "chip_illegitimate", "chip_destroyed", "chip_missing",
        "chip_decommissioned", "chip_in_transit", "chip_not_in_transit", "chip_installed", "chip_not_installed",
        "chip_in_assembly", "chip_not_in_assembly", "chip_not_on_hold", "event_not_voidable", "event_already_voided",
        "void_not_permitted", "void_dependents_by_others",
        "assembly_not_in_stock", "assembly_in_transit", "assembly_installed", "assembly_not_in_transit", "chip_custody_mismatch",
    };

    public static int StatusOf(string code) => code switch
    {
        _ when RoleRefusals.Contains(code) => StatusCodes.Status403Forbidden,
        "version_mismatch" => StatusCodes.Status412PreconditionFailed,
        _ when StateConflicts.Contains(code) => StatusCodes.Status409Conflict,
        _ when code.EndsWith("_already_registered", StringComparison.Ordinal) || code.Contains("_already_", StringComparison.Ordinal) => StatusCodes.Status409Conflict,
        _ when code.EndsWith("_not_registered", StringComparison.Ordinal) || code.EndsWith("_not_found", StringComparison.Ordinal) => StatusCodes.Status404NotFound,
        _ => StatusCodes.Status422UnprocessableEntity,
    };

    public static ApiProblemException ToProblem(DomainError error) =>
        new(StatusOf(error.Code), error.Code, TitleOf(StatusOf(error.Code)), error.Message);

    private static string TitleOf(int status) => status switch
    {
        StatusCodes.Status403Forbidden => "This organisation may not do this.",
        StatusCodes.Status404NotFound => "Something the request names is not registered.",
        StatusCodes.Status409Conflict => "The registry's current state does not allow this.",
        StatusCodes.Status412PreconditionFailed => "The resource changed since the version the request names.",
        _ => "The request was understood but refused.",
    };
}
