using System.Security.Claims;
using ChipRegistry.Api.Callers;
using ChipRegistry.Api.Keys;
using ChipRegistry.Api.Problems;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Facilities;
using ChipRegistry.Domain.Persistence;

namespace ChipRegistry.Api.Facilities;

/// <summary>
/// Who may see a facility: its operator, agencies and the registry. Where sites are and how much power they
/// draw is what the concentration rules watch, so other operators get the answer an unknown id gets.
/// </summary>
public static class FacilityAccess
{
    public static bool CanSee(this ClaimsPrincipal user, Facility facility) =>
        user.ReadsEverything() || facility.OperatorId == user.OrganisationId();

    /// <summary>The facility if the caller may see it; otherwise the same 404 as for an unregistered id.</summary>
    public static async Task<Facility> LoadVisibleAsync(this RegistryReads reads, string facilityId, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        (await reads.LoadFacilityAsync(facilityId, cancellationToken)).State is { } facility && user.CanSee(facility)
            ? facility
            : throw NotRegistered(facilityId);

    public static ApiProblemException NotRegistered(string facilityId) =>
        DomainProblems.ToProblem(new DomainError("facility_not_registered", $"facility '{facilityId}' is not registered"));
}
