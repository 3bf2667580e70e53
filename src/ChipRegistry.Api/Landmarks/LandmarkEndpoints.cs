using ChipRegistry.Api.Keys;
using ChipRegistry.Domain.Organisations;

namespace ChipRegistry.Api.Landmarks;

/// <summary>Landmarks for rule 3: agencies register them; operators (who cite them in attestations), agencies and the registry read them.</summary>
public static class LandmarkEndpoints
{
    public static readonly string AgencyRole = Callers.Callers.RoleOf(OrganisationKind.Agency);

    public static readonly string[] ReaderRoles = [Callers.Callers.RoleOf(OrganisationKind.Operator), AgencyRole, ApiKeys.AdminRole];

    public static IEndpointRouteBuilder MapLandmarkEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/v1/landmarks").WithTags("Landmarks").RequireAuthorization();
        group.MapRegisterLandmark();
        group.MapListLandmarks();
        group.MapGetLandmark();
        return endpoints;
    }
}
