using ChipRegistry.Api.Keys;
using ChipRegistry.Domain.Organisations;

namespace ChipRegistry.Api.Facilities;

public static class FacilityEndpoints
{
    public static readonly string OperatorRole = Callers.Callers.RoleOf(OrganisationKind.Operator);

    /// <summary>Only operators run facilities; agencies and the registry oversee them.</summary>
    public static readonly string[] ReaderRoles = [OperatorRole, Callers.Callers.RoleOf(OrganisationKind.Agency), ApiKeys.AdminRole];

    public static IEndpointRouteBuilder MapFacilityEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/v1/facilities").WithTags("Facilities").RequireAuthorization();
        group.MapRegisterFacility();
        group.MapGetFacility();
        group.MapDeclareFacilityPower();
        group.MapRegisterCluster();
        group.MapChangeFacilityOperator();
        return endpoints;
    }
}
