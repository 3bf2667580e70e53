using ChipRegistry.Domain.Organisations;

namespace ChipRegistry.Api.Licences;

public static class LicenceEndpoints
{
    public static readonly string AgencyRole = Callers.Callers.RoleOf(OrganisationKind.Agency);

    /// <summary>Whoever holds chips may export them; agencies license and the registry administers, neither exports.</summary>
    public static readonly string[] ExporterRoles = [.. new[]
    {
        OrganisationKind.Manufacturer, OrganisationKind.Distributor, OrganisationKind.Forwarder, OrganisationKind.Integrator, OrganisationKind.Operator, OrganisationKind.EndUser,
    }.Select(Callers.Callers.RoleOf)];

    public static IEndpointRouteBuilder MapLicenceEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/v1").WithTags("Licences").RequireAuthorization();
        group.MapGrantLicence();
        group.MapListLicences();
        group.MapGetLicence();
        group.MapRevokeLicence();
        group.MapFileExportNotification();
        group.MapGetExportNotification();
        return endpoints;
    }
}
