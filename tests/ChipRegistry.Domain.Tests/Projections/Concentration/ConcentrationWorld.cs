using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Facilities;
using ChipRegistry.Domain.Licences;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.Domain.Projections;
using ChipRegistry.Domain.Projections.Concentration;
using ChipRegistry.Domain.Tests.Persistence;
using ChipRegistry.EventStore;
using ChipRegistry.Testing;
using NodaTime;

namespace ChipRegistry.Domain.Tests.Projections.Concentration;

/// <summary>Events appended as they are given (any business time, any order of report), remembered for the oracle.</summary>
internal sealed class ConcentrationWorld(Registry registry)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public static readonly Instant Base = Instant.FromUtc(2024, 1, 1, 0, 0);

    public List<(string StreamKey, IDomainEvent Event)> Recorded { get; } = [];

    public Registry Registry => registry;

    public static Instant Day(int n, int hour = 12) => Base + Duration.FromDays(n) + Duration.FromHours(hour);

    public async Task AppendAsync(string streamKey, string streamType, params IDomainEvent[] events)
    {
        await registry.Store.AppendAsync(
            new StreamAppend(streamKey, ExpectedVersion.Any, [.. events.Select(e => new NewEvent(e, e.OccurredAt, (e as IChipEvent)?.EventId))], streamType),
            new AppendMetadata("registry"), Cancel);
        Recorded.AddRange(events.Select(e => (streamKey, e)));
    }

    public Task ChipAsync(string chipId, params IChipEvent[] events) => AppendAsync(StreamKeys.Chip(chipId), StreamKeys.ChipType, events);

    public Task OrganisationAsync(string id, OrganisationKind kind, string country) =>
        AppendAsync(StreamKeys.Organisation(id), StreamKeys.OrganisationType, new OrganisationRegistered(id, id, kind, country, new LocalDate(2020, 1, 1), "registry", Day(-400)));

    public Task ParentAsync(string id, string? parent, LocalDate from, Instant recorded) =>
        AppendAsync(StreamKeys.Organisation(id), StreamKeys.OrganisationType, new OrganisationParentChanged(id, parent, from, "registry", recorded));

    public Task FacilityAsync(string id, string @operator, decimal power) =>
        AppendAsync(StreamKeys.Facility(id), StreamKeys.FacilityType,
            new FacilityRegistered(id, @operator, id, "US", 35m, -90m, power, @operator, Day(-300)), new ClusterRegistered(id, "c1", "hall", @operator, Day(-300)));

    public Task FacilityEventAsync(IFacilityEvent e) => AppendAsync(StreamKeys.Facility(e.FacilityId), StreamKeys.FacilityType, e);

    public Task ModelAsync(string modelId) =>
        AppendAsync(StreamKeys.Model(modelId), StreamKeys.ModelType, new AcceleratorModelRegistered(modelId, "nvidia", CatalogSeed.H100Sxm with { ModelId = modelId }, "nvidia", Day(-365)));

    public Task ReviseAsync(string modelId, decimal fp8TeraOps, Instant at) =>
        AppendAsync(StreamKeys.Model(modelId), StreamKeys.ModelType,
            new AcceleratorSpecRevised(modelId, 2, CatalogSeed.H100Sxm with { ModelId = modelId, Throughput = [new ThroughputFigure("FP8", fp8TeraOps, 8)] }, "", "nvidia", at));

    public static ChipFabricated Fabricated(string chip, string model, Instant at) => new(Guid.NewGuid(), chip, model, "mk", "lot-1", "TW", "mk", at);

    public static ChipShipped Shipped(string chip, string to, string country, Instant at, string? assembly = null) =>
        new(Guid.NewGuid(), chip, country, to, to, to, to, to, null, LicenceCheckResult.NoneNeeded, "none", "", assembly, "mk", at);

    public static ChipReceived Received(ChipShipped shipment, string by, Instant at) => new(Guid.NewGuid(), shipment.ChipId, shipment.EventId, shipment.DestinationCountry, null, by, at);

    public static ChipInstalled Installed(string chip, string facility, string by, Instant at) => new(Guid.NewGuid(), chip, facility, by, "US", "c1", "r1", null, by, at);

    public ProjectionDaemon Daemon(int batchSize = 5) => new(registry.Store, new ProjectionDaemonOptions
    {
        Projections = RegistryProjections.All(),
        BatchSize = batchSize,
        PollInterval = TimeSpan.FromMilliseconds(50),
    });

    public ConcentrationReads Reads => new(registry.Store.Schema, registry.DataSource);

    public async Task<IReadOnlyList<string>> ProjectedAsync(ConcentrationQuery query) =>
        ConcentrationOracle.Describe((await Reads.ReadAsync(query, Cancel)).Groups);

    public IReadOnlyList<string> Expected(ConcentrationQuery query) => ConcentrationOracle.Of(Recorded, query);
}
