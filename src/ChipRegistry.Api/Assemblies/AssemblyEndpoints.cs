using ChipRegistry.Domain.Organisations;

namespace ChipRegistry.Api.Assemblies;

public static class AssemblyEndpoints
{
    /// <summary>Who builds servers and boards (the domain's <c>RegisterAssembly</c> accepts both).</summary>
    public static readonly string[] BuilderRoles = [.. new[] { OrganisationKind.Manufacturer, OrganisationKind.Integrator }.Select(Callers.Callers.RoleOf)];

    /// <summary>Whoever may hold goods in the supply chain ships and receives them; agencies and the registry hold nothing.</summary>
    public static readonly string[] HolderRoles = [.. new[]
    {
        OrganisationKind.Manufacturer, OrganisationKind.Distributor, OrganisationKind.Forwarder, OrganisationKind.Integrator, OrganisationKind.Operator, OrganisationKind.EndUser,
    }.Select(Callers.Callers.RoleOf)];

    public static IEndpointRouteBuilder MapAssemblyEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/v1/assemblies").WithTags("Assemblies").RequireAuthorization();
        group.MapRegisterAssembly();
        group.MapGetAssembly();
        group.MapPackChips();
        group.MapUnpackChips();
        group.MapShipAssembly();
        group.MapReceiveAssembly();
        group.MapInstallAssembly();
        return endpoints;
    }
}
