using ChipRegistry.Domain.Detection.CustodyGap;
using ChipRegistry.Domain.Detection.LicenceCheckFailed;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.Domain.Projections.Lists;
using ChipRegistry.Domain.Projections.Ledgers;
using ChipRegistry.Domain.Projections.Placements;
using ChipRegistry.Domain.Projections.Reference;
using ChipRegistry.EventStore;

namespace ChipRegistry.Domain.Projections;

/// <summary>The registry's async projections, run by the daemon wherever the registry is hosted.</summary>
public static class RegistryProjections
{
    public static IReadOnlyList<AsyncProjectionRegistration> All()
    {
        var serializer = new EventSerializer(DomainStore.EventTypes());
        return
        [
            new AsyncProjectionRegistration(new ChipPlacementProjection(serializer)),
            new AsyncProjectionRegistration(new FacilityListProjection(serializer)),
            new AsyncProjectionRegistration(new LicenceListProjection(serializer)),
            new AsyncProjectionRegistration(new ReferenceIntervalProjection(serializer)),
            new AsyncProjectionRegistration(new ChipShipmentProjection(serializer)),
            // detection: one projection per rule, each with its own flag table (docs/detection.md)
            new AsyncProjectionRegistration(new CustodyGapProjection(serializer)),
            new AsyncProjectionRegistration(new LicenceCheckFailedProjection()),
        ];
    }
}
