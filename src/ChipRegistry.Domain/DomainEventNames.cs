using ChipRegistry.Domain.Assemblies;
using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Detection.Clock;
using ChipRegistry.Domain.Detection.Reviews;
using ChipRegistry.Domain.Detection.Thresholds;
using ChipRegistry.Domain.Facilities;
using ChipRegistry.Domain.Licences;
using ChipRegistry.Domain.Organisations;

namespace ChipRegistry.Domain;

/// <summary>
/// The one explicit map from event type to its stored name. Stored history keeps these names forever: renaming a
/// class changes nothing here; renaming a stored name is a migration. The event store's type registry is fed from it.
/// </summary>
public static class DomainEventNames
{
    public static IReadOnlyDictionary<Type, string> ByType { get; } = new Dictionary<Type, string>
    {
        // catalog
        [typeof(AcceleratorModelRegistered)] = "accelerator_model_registered",
        [typeof(AcceleratorSpecRevised)] = "accelerator_spec_revised",
        [typeof(AcceleratorSpecFindingRecorded)] = "accelerator_spec_finding_recorded",

        // organisations
        [typeof(OrganisationRegistered)] = "organisation_registered",
        [typeof(OrganisationParentChanged)] = "organisation_parent_changed",

        // facilities
        [typeof(FacilityRegistered)] = "facility_registered",
        [typeof(FacilityPowerDeclared)] = "facility_power_declared",
        [typeof(ClusterRegistered)] = "cluster_registered",
        [typeof(FacilityOperatorChanged)] = "facility_operator_changed",

        // licences and notifications
        [typeof(LicenceGranted)] = "licence_granted",
        [typeof(LicenceRevoked)] = "licence_revoked",
        [typeof(ExportNotificationFiled)] = "export_notification_filed",

        // chips
        [typeof(ChipFabricated)] = "chip_fabricated",
        [typeof(ChipSaleOffered)] = "chip_sale_offered",
        [typeof(ChipSaleAccepted)] = "chip_sale_accepted",
        [typeof(ChipShipped)] = "chip_shipped",
        [typeof(ChipReceived)] = "chip_received",
        [typeof(ChipInstalled)] = "chip_installed",
        [typeof(ChipTenantAssigned)] = "chip_tenant_assigned",
        [typeof(ChipLocationAttested)] = "chip_location_attested",
        [typeof(ChipRemoved)] = "chip_removed",
        [typeof(ChipReturned)] = "chip_returned",
        [typeof(ChipDecommissioned)] = "chip_decommissioned",
        [typeof(ChipDestroyed)] = "chip_destroyed",
        [typeof(ChipMissingReported)] = "chip_missing_reported",
        [typeof(ChipPacked)] = "chip_packed",
        [typeof(ChipUnpacked)] = "chip_unpacked",
        [typeof(ChipObserved)] = "chip_observed",
        [typeof(ChipHoldPlaced)] = "chip_hold_placed",
        [typeof(ChipHoldReleased)] = "chip_hold_released",
        [typeof(ChipIllegitimacyDeclared)] = "chip_illegitimacy_declared",
        [typeof(ChipEventVoided)] = "chip_event_voided",

        // assemblies
        [typeof(AssemblyRegistered)] = "assembly_registered",
        [typeof(AssemblyChipPacked)] = "assembly_chip_packed",
        [typeof(AssemblyChipUnpacked)] = "assembly_chip_unpacked",
        [typeof(AssemblyShipped)] = "assembly_shipped",
        [typeof(AssemblyReceived)] = "assembly_received",
        [typeof(AssemblyInstalled)] = "assembly_installed",

        // detection: the registry's clock and the rules' thresholds
        [typeof(ClockTicked)] = "clock_ticked",
        [typeof(DetectionThresholdChanged)] = "detection_threshold_changed",
        [typeof(Detection.Landmarks.LandmarkRegistered)] = "landmark_registered",
        [typeof(FlagReviewed)] = "flag_reviewed",

        // GS1: company prefixes and GTINs (EPCIS import)
        [typeof(Gs1.Gs1PrefixGranted)] = "gs1_prefix_granted",
        [typeof(Gs1.GtinMapped)] = "gtin_mapped",
    };

    private static readonly Dictionary<string, Type> ByName = ByType.ToDictionary(p => p.Value, p => p.Key);

    public static string NameOf(Type eventType) =>
        ByType.TryGetValue(eventType, out var name) ? name : throw new KeyNotFoundException($"{eventType.Name} has no stored name");

    public static string NameOf(Common.IDomainEvent e) => NameOf(e.GetType());

    public static Type TypeOf(string storedName) =>
        ByName.TryGetValue(storedName, out var type) ? type : throw new KeyNotFoundException($"no event type is stored as '{storedName}'");
}
