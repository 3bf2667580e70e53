using ChipRegistry.Domain.Detection.AttestationSilence;
using ChipRegistry.Domain.Detection.ConcentrationThreshold;
using ChipRegistry.Domain.Detection.ConsigneeMismatch;
using ChipRegistry.Domain.Detection.CustodyGap;
using ChipRegistry.Domain.Detection.Divergence;
using ChipRegistry.Domain.Detection.IdleInventory;
using ChipRegistry.Domain.Detection.ImpossibleSerial;
using ChipRegistry.Domain.Detection.LateReport;
using ChipRegistry.Domain.Detection.LicenceCheckFailed;
using ChipRegistry.Domain.Detection.LocationMismatch;
using ChipRegistry.Domain.Detection.NewEntity;
using ChipRegistry.Domain.Detection.OverCapacity;
using ChipRegistry.Domain.Detection.PayerJurisdiction;
using ChipRegistry.Domain.Detection.PreRuleSurge;
using ChipRegistry.Domain.Detection.RestrictedTenancy;
using ChipRegistry.Domain.Detection.TaintedOrigin;
using ChipRegistry.Domain.Detection.TransshipmentHop;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.Domain.Projections.Ledgers;
using ChipRegistry.Domain.Projections.Lists;
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
            new AsyncProjectionRegistration(new LateReportProjection(serializer)),
            new AsyncProjectionRegistration(new ConsigneeMismatchProjection(serializer)),
            new AsyncProjectionRegistration(new LocationMismatchProjection(serializer)),
            new AsyncProjectionRegistration(new ImpossibleSerialProjection(serializer)),
            new AsyncProjectionRegistration(new AttestationSilenceProjection(serializer)),
            new AsyncProjectionRegistration(new TaintedOriginProjection(serializer)),
            new AsyncProjectionRegistration(new OverCapacityProjection(serializer)),
            new AsyncProjectionRegistration(new NewEntityProjection(serializer)),
            new AsyncProjectionRegistration(new IdleInventoryProjection(serializer)),
            new AsyncProjectionRegistration(new PayerJurisdictionProjection(serializer)),
            new AsyncProjectionRegistration(new TransshipmentHopProjection(serializer)),
            new AsyncProjectionRegistration(new DivergenceProjection(serializer)),
            new AsyncProjectionRegistration(new RestrictedTenancyProjection(serializer)),
            new AsyncProjectionRegistration(new ConcentrationThresholdProjection(serializer)),
            new AsyncProjectionRegistration(new PreRuleSurgeProjection(serializer)),
        ];
    }
}
