using ChipRegistry.Domain.Assemblies;
using ChipRegistry.Domain.Attestations;
using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Detection.Clock;
using ChipRegistry.Domain.Detection.Landmarks;
using ChipRegistry.Domain.Detection.Reviews;
using ChipRegistry.Domain.Detection.Thresholds;
using ChipRegistry.Domain.Facilities;
using ChipRegistry.Domain.Gs1;
using ChipRegistry.Domain.Licences;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.EventStore;
using NodaTime;

namespace ChipRegistry.Domain.Tests.Persistence;

/// <summary>
/// Every event of every stream type, with every field set (optional ones too, instants with sub-microsecond
/// digits), appended to PostgreSQL and read back equal, with the acting organisation and correlation recorded.
/// </summary>
public sealed class StreamRoundTripTests(RegistryStoreFixture fixture) : IClassFixture<RegistryStoreFixture>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static readonly Instant At = Instant.FromUnixTimeTicks(17_180_000_000_123_457L);
    private static readonly LocalDate Day = new(2025, 1, 15);
    private static Guid G(int n) => new($"00000000-0000-7000-8000-{n:D12}");

    private const string Chip = "nvidia:1652223004561";

    public static IReadOnlyList<IChipEvent> ChipEvents { get; } =
    [
        new ChipFabricated(G(1), Chip, "nvidia-h100-sxm", "mfr", "lot-7", "TW", "mfr", At),
        new ChipSaleOffered(G(2), Chip, "mfr", "dist", "mfr", At + Duration.FromSeconds(1)),
        new ChipSaleAccepted(G(3), Chip, G(2), "mfr", "dist", "dist", At + Duration.FromSeconds(2)),
        new ChipShipped(G(4), Chip, "SG", "fwd", "enduser", "billto", "shipto", "payer", "A123456", LicenceCheckResult.QuantityExceeded,
            "2023_rule", "licence L-1 allows 8, this shipment makes 9", "asm-1", "mfr", At + Duration.FromSeconds(3), LicenceQuantity: 8),
        new ChipReceived(G(5), Chip, G(4), "SG", "asm-1", "fwd", At + Duration.FromSeconds(4)),
        new ChipInstalled(G(6), Chip, "fac-1", "op", "SG", "cl-1", "rack-9", "asm-1", "op", At + Duration.FromSeconds(5)),
        new ChipTenantAssigned(G(7), Chip, "tenant-3", At, At + Duration.FromDays(30), "op", At + Duration.FromSeconds(6)),
        new ChipLocationAttested(G(8), Chip, "fac-1", "rtt", 3.125m, "landmark-sg-2", SignatureResult.UnknownKey, "op", At + Duration.FromSeconds(7), MeasuredByLandmark: true),
        new ChipRemoved(G(9), Chip, "fac-1", "maintenance", "op", At + Duration.FromSeconds(8)),
        new ChipReturned(G(10), Chip, "RMA-44", "mfr", "TW", "op", At + Duration.FromSeconds(9)),
        new ChipDecommissioned(G(11), Chip, "end of life", "mfr", At + Duration.FromSeconds(10)),
        new ChipDestroyed(G(12), Chip, "shredded", "mfr", At + Duration.FromSeconds(11)),
        new ChipMissingReported(G(13), Chip, MissingKind.Stolen, "container opened", "mfr", At + Duration.FromSeconds(12)),
        new ChipPacked(G(14), Chip, "asm-2", "mfr", At + Duration.FromSeconds(13)),
        new ChipUnpacked(G(15), Chip, "asm-2", "mfr", At + Duration.FromSeconds(14)),
        new ChipObserved(G(16), Chip, "installation", true, ConflictCodes.OtherFacility, "fac-9", "MY", "op-9", "seen in rack 4", "op-9", At + Duration.FromSeconds(15)),
        new ChipHoldPlaced(G(17), Chip, "investigation", "lot-7", "bis", At + Duration.FromSeconds(16)),
        new ChipHoldReleased(G(18), Chip, G(17), "cleared", "bis", At + Duration.FromSeconds(17)),
        new ChipIllegitimacyDeclared(G(19), Chip, "counterfeit", "bis", At + Duration.FromSeconds(18)),
        new ChipEventVoided(G(20), Chip, G(16), G(16), "mistaken identity", "bis", At + Duration.FromSeconds(19)),
    ];

    public static IReadOnlyList<IOrganisationEvent> OrganisationEvents { get; } =
    [
        new OrganisationRegistered("org-1", "Example Compute Ltd", OrganisationKind.Operator, "SG", Day, BuiltInOrganisations.RegistryId, At),
        new OrganisationParentChanged("org-1", "org-parent", Day.PlusDays(10), "org-1", At + Duration.FromSeconds(1)),
    ];

    public static IReadOnlyList<IFacilityEvent> FacilityEvents { get; } =
    [
        new FacilityRegistered("fac-1", "op", "Jurong 1", "SG", 1.3521m, 103.8198m, 120.5m, "op", At),
        new FacilityPowerDeclared("fac-1", 150.25m, "op", At + Duration.FromSeconds(1)),
        new ClusterRegistered("fac-1", "cl-1", "hall A", "op", At + Duration.FromSeconds(2)),
        new FacilityOperatorChanged("fac-1", "op-2", Day.PlusDays(5), "bis", At + Duration.FromSeconds(3)),
    ];

    public static IReadOnlyList<ILicenceEvent> LicenceEvents { get; } =
    [
        new LicenceGranted("lic-1", "L-2025-0001", "mfr", "fwd", "enduser", "AE", ["nvidia-h100-sxm", "nvidia-h200-sxm"], 800, Day, Day.PlusDays(365), "bis", At),
        new LicenceRevoked("lic-1", "diversion", Day.PlusDays(40), "bis", At + Duration.FromSeconds(1)),
    ];

    public static IReadOnlyList<IExportNotificationEvent> NotificationEvents { get; } =
    [
        new ExportNotificationFiled("nac-1", NotificationKind.Nac, "A123456", "mfr", "fwd", "enduser", "VN", "nvidia-l40s", 11_728.8m, 19.259m, true, "mfr", At),
    ];

    public static IReadOnlyList<IAcceleratorModelEvent> ModelEvents { get; } =
    [
        new AcceleratorModelRegistered("huawei-ascend-910b", "huawei", CatalogSeed.Ascend910B with { InterconnectNote = "HCCS" }, "huawei", At),
        new AcceleratorSpecRevised("huawei-ascend-910b", 2, CatalogSeed.Ascend910B with { LogicDieAreaMm2 = Figure.Est(665m), InterconnectNote = "HCCS" }, "die measured", "huawei", At + Duration.FromSeconds(1)),
        new AcceleratorSpecFindingRecorded("huawei-ascend-910b", CatalogSeed.Ascend910B with { LogicDieAreaMm2 = new Figure(670.5m), InterconnectNote = "HCCS" }, "teardown", "bis", At + Duration.FromSeconds(2)),
    ];

    public static IReadOnlyList<IAssemblyEvent> AssemblyEvents { get; } =
    [
        new AssemblyRegistered("asm-1", AssemblyKind.Server, "SRV-0009", "TW", "integrator", At),
        new AssemblyChipPacked("asm-1", Chip, "integrator", At + Duration.FromSeconds(1)),
        new AssemblyChipUnpacked("asm-1", Chip, "integrator", At + Duration.FromSeconds(2)),
        new AssemblyShipped("asm-1", "SG", "fwd", "enduser", "billto", "shipto", "payer", "A654321", [Chip, "nvidia:2"], "integrator", At + Duration.FromSeconds(3)),
        new AssemblyReceived("asm-1", "SG", "fwd", At + Duration.FromSeconds(4)),
        new AssemblyInstalled("asm-1", "fac-1", "cl-1", "rack-2", "op", At + Duration.FromSeconds(5)),
    ];

    public static IReadOnlyList<IDomainEvent> ClockEvents { get; } =
    [
        new ClockTicked("registry", At),
        new ClockTicked("registry", At + Duration.FromHours(1)),
    ];

    public static IReadOnlyList<IDomainEvent> ThresholdEvents { get; } =
    [
        new DetectionThresholdChanged(DetectionThresholds.TransshipmentHubs, "SG,MY,TH,HK,AE,VN", At + Duration.FromDays(1), "hub added", "bis", At),
        new DetectionThresholdChanged(DetectionThresholds.TransshipmentHubs, "SG,MY", At + Duration.FromDays(2), "narrowed", "bis", At + Duration.FromSeconds(1)),
    ];

    public static IReadOnlyList<IDomainEvent> LandmarkEvents { get; } =
    [
        new LandmarkRegistered("lm-sin-1", "Equinix SG1 probe", 1.3286m, 103.8918m, "bis", At),
    ];

    public static IReadOnlyList<IDomainEvent> FlagEvents { get; } =
    [
        new FlagReviewed("r01-00112233445566778899", FlagReviewActions.Acknowledge, "seen", 41, "bis", At),
        new FlagReviewed("r01-00112233445566778899", FlagReviewActions.Dismiss, "the forwarder is licensed", 42, "bis", At + Duration.FromSeconds(1)),
    ];

    public static IReadOnlyList<IDomainEvent> Gs1PrefixEvents { get; } =
    [
        new Gs1PrefixGranted("0614141", "org-1", "registry", At),
    ];

    public static IReadOnlyList<IDomainEvent> GtinEvents { get; } =
    [
        new GtinMapped("00614141000012", "0614141", "huawei-ascend-910b", "org-1", "org-1", At),
    ];

    private static IEnumerable<IDomainEvent> AllSamples =>
        ChipEvents.Cast<IDomainEvent>().Concat(OrganisationEvents).Concat(FacilityEvents).Concat(LicenceEvents).Concat(NotificationEvents)
            .Concat(ModelEvents).Concat(AssemblyEvents).Concat(ClockEvents).Concat(ThresholdEvents).Concat(LandmarkEvents).Concat(FlagEvents)
            .Concat(Gs1PrefixEvents).Concat(GtinEvents);

    [Fact]
    public void the_samples_cover_every_stored_event_type_with_every_field_set()
    {
        Assert.Equal(DomainEventNames.ByType.Keys.OrderBy(t => t.Name), AllSamples.Select(e => e.GetType()).Distinct().OrderBy(t => t.Name));
        foreach (var sample in AllSamples)
        {
            foreach (var property in sample.GetType().GetProperties())
            {
                Assert.True(property.GetValue(sample) is not null, $"{sample.GetType().Name}.{property.Name} is unset in the sample");
            }
        }
    }

    public static TheoryData<string> StreamTypes => [StreamKeys.ChipType, StreamKeys.OrganisationType, StreamKeys.FacilityType, StreamKeys.LicenceType,
        StreamKeys.NotificationType, StreamKeys.ModelType, StreamKeys.AssemblyType, StreamKeys.ClockType, StreamKeys.ThresholdType,
        StreamKeys.LandmarkType, StreamKeys.FlagType, StreamKeys.Gs1PrefixType, StreamKeys.GtinType];

    [Theory]
    [MemberData(nameof(StreamTypes))]
    public async Task every_event_of_the_stream_type_reads_back_equal_with_its_metadata(string streamType)
    {
        var registry = await fixture.StartAsync();
        var (key, events) = streamType switch
        {
            StreamKeys.ChipType => (StreamKeys.Chip(Chip), ChipEvents.Cast<IDomainEvent>().ToList()),
            StreamKeys.OrganisationType => (StreamKeys.Organisation("org-1"), OrganisationEvents.Cast<IDomainEvent>().ToList()),
            StreamKeys.FacilityType => (StreamKeys.Facility("fac-1"), FacilityEvents.Cast<IDomainEvent>().ToList()),
            StreamKeys.LicenceType => (StreamKeys.Licence("lic-1"), LicenceEvents.Cast<IDomainEvent>().ToList()),
            StreamKeys.NotificationType => (StreamKeys.Notification("nac-1"), NotificationEvents.Cast<IDomainEvent>().ToList()),
            StreamKeys.ModelType => (StreamKeys.Model("huawei-ascend-910b"), ModelEvents.Cast<IDomainEvent>().ToList()),
            StreamKeys.AssemblyType => (StreamKeys.Assembly("asm-1"), AssemblyEvents.Cast<IDomainEvent>().ToList()),
            StreamKeys.ClockType => (StreamKeys.Clock, ClockEvents.ToList()),
            StreamKeys.ThresholdType => (StreamKeys.Threshold(DetectionThresholds.TransshipmentHubs), ThresholdEvents.ToList()),
            StreamKeys.LandmarkType => (StreamKeys.Landmark("lm-sin-1"), LandmarkEvents.ToList()),
            StreamKeys.FlagType => (StreamKeys.Flag("r01-00112233445566778899"), FlagEvents.ToList()),
            StreamKeys.Gs1PrefixType => (StreamKeys.Gs1Prefix("0614141"), Gs1PrefixEvents.ToList()),
            StreamKeys.GtinType => (StreamKeys.Gtin("00614141000012"), GtinEvents.ToList()),
            _ => throw new ArgumentOutOfRangeException(nameof(streamType)),
        };

        await registry.Store.AppendAsync(
            new StreamAppend(key, ExpectedVersion.NoStream, [.. events.Select(e => new NewEvent(e, e.OccurredAt, (e as IChipEvent)?.EventId))], streamType),
            new AppendMetadata("org-acting") { CorrelationId = "corr-1", CausationId = "cause-1" }, Cancel);

        var stored = await registry.Store.ReadStreamAsync(key, cancellationToken: Cancel);
        Assert.Equal(events, stored.Select(e => e.Data));
        Assert.Equal(events.Select(DomainEventNames.NameOf), stored.Select(e => e.TypeName));
        Assert.All(stored, e => Assert.Equal(("org-acting", "corr-1", "cause-1"), (e.ActingOrganisation, e.CorrelationId, e.CausationId)));
        if (streamType == StreamKeys.ChipType)
        {
            Assert.Equal(ChipEvents.Select(e => e.EventId), stored.Select(e => e.EventId));
            var snapshot = await registry.Reads.LoadChipAsync(Chip, Cancel);
            Assert.Equal(ChipState.Fold(Chip, ChipEvents), snapshot.State);
        }
    }

    [Fact]
    public async Task each_entity_loader_folds_its_stream_as_the_pure_fold_does()
    {
        var registry = await fixture.StartAsync();
        async Task AppendAsync(string key, IEnumerable<IDomainEvent> events) =>
            await registry.Store.AppendAsync(new StreamAppend(key, ExpectedVersion.NoStream, [.. events.Select(e => new NewEvent(e, e.OccurredAt))]),
                new AppendMetadata("org-acting"), Cancel);
        await AppendAsync(StreamKeys.Organisation("org-parent"), [new OrganisationRegistered("org-parent", "Parent", OrganisationKind.Operator, "US", Day, "registry", At)]);
        await AppendAsync(StreamKeys.Organisation("org-1"), OrganisationEvents);
        await AppendAsync(StreamKeys.Facility("fac-1"), FacilityEvents);
        await AppendAsync(StreamKeys.Licence("lic-1"), LicenceEvents);
        await AppendAsync(StreamKeys.Notification("nac-1"), NotificationEvents);
        await AppendAsync(StreamKeys.Model("huawei-ascend-910b"), ModelEvents);
        await AppendAsync(StreamKeys.Assembly("asm-1"), AssemblyEvents);

        var reads = registry.Reads;
        Assert.Equal(Organisation.Fold(OrganisationEvents), (await reads.LoadOrganisationAsync("org-1", Cancel)).State);
        Assert.Equal(Facility.Fold(FacilityEvents), (await reads.LoadFacilityAsync("fac-1", Cancel)).State);
        Assert.Equal(Licence.Fold(LicenceEvents), (await reads.LoadLicenceAsync("lic-1", Cancel)).State);
        Assert.Equal(ExportNotification.Evolve(null, NotificationEvents[0]), (await reads.LoadNotificationAsync("nac-1", Cancel)).State);
        Assert.Equal(AcceleratorModel.Fold(ModelEvents), (await reads.LoadModelAsync("huawei-ascend-910b", Cancel)).State);
        Assert.Equal(Assembly.Fold(AssemblyEvents), (await reads.LoadAssemblyAsync("asm-1", Cancel)).State);
        Assert.Equal(FacilityEvents.Count, (await reads.LoadFacilityAsync("fac-1", Cancel)).Version);
        Assert.Equal(new Loaded<Licence>(null, 0), await reads.LoadLicenceAsync("lic-unknown", Cancel));

        var directory = await reads.LoadOrganisationDirectoryAsync(Cancel);
        Assert.Equal(Organisation.Fold(OrganisationEvents), directory.Find("org-1"));
        Assert.Equal(["org-parent"], directory.ParentChain("org-1", Day.PlusDays(11)));
    }
}
