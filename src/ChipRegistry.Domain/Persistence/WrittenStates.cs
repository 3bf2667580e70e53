using ChipRegistry.Domain.Assemblies;
using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Facilities;
using ChipRegistry.Domain.Licences;
using ChipRegistry.Domain.Organisations;

namespace ChipRegistry.Domain.Persistence;

/// <summary>
/// An entity as an accepted command left it (<see cref="CommandResult.StateAfter{TState, TEvent}"/>, folded with the
/// same <c>Evolve</c> as <see cref="RegistryReads"/>): what a write's response shows, known before the append commits.
/// </summary>
public static class WrittenStates
{
    public static Organisation OrganisationAfter(this CommandResult result, string organisationId) =>
        Written(result).StateAfter<Organisation, IOrganisationEvent>(StreamKeys.Organisation(organisationId), Organisation.Evolve);

    public static Facility FacilityAfter(this CommandResult result, string facilityId) =>
        Written(result).StateAfter<Facility, IFacilityEvent>(StreamKeys.Facility(facilityId), Facility.Evolve);

    public static Licence LicenceAfter(this CommandResult result, string licenceId) =>
        Written(result).StateAfter<Licence, ILicenceEvent>(StreamKeys.Licence(licenceId), Licence.Evolve);

    public static ExportNotification NotificationAfter(this CommandResult result, string notificationId) =>
        Written(result).StateAfter<ExportNotification, IExportNotificationEvent>(StreamKeys.Notification(notificationId), ExportNotification.Evolve);

    public static AcceleratorModel ModelAfter(this CommandResult result, string modelId) =>
        Written(result).StateAfter<AcceleratorModel, IAcceleratorModelEvent>(StreamKeys.Model(modelId), AcceleratorModel.Evolve);

    public static Assembly AssemblyAfter(this CommandResult result, string assemblyId) =>
        Written(result).StateAfter<Assembly, IAssemblyEvent>(StreamKeys.Assembly(assemblyId), Assembly.Evolve);

    private static CommandResult Written(CommandResult result) => (result ?? throw new ArgumentNullException(nameof(result))).EnsureAccepted();
}
