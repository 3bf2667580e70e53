using ChipRegistry.Api.Organisations.Inventory;

namespace ChipRegistry.Api.Organisations;

public static class OrganisationEndpoints
{
    public static IEndpointRouteBuilder MapOrganisationEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/v1/organisations").WithTags("Organisations").RequireAuthorization();
        group.MapRegisterOrganisation();
        group.MapListOrganisations();
        group.MapGetOrganisation();
        group.MapChangeOrganisationParent();
        group.MapGetInventory();
        return endpoints;
    }
}
