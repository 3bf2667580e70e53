using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Detection.Clock;
using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Detection.Thresholds;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.Domain.Tests.Chips;
using ChipRegistry.Domain.Tests.Persistence;
using ChipRegistry.EventStore;
using NodaTime;

namespace ChipRegistry.Domain.Tests.Detection;

/// <summary>
/// A registry with one rule's projection on its own daemon: chips driven through the registry's handlers, clock ticks
/// and threshold changes appended straight to their streams (as the clock endpoints will), and the rule's flag table read back.
/// </summary>
public sealed class DetectionScenario : IAsyncDisposable
{
    public static readonly Actor Nvidia = new("nvidia", OrganisationKind.Manufacturer);
    public static readonly Actor UsOp = new("us-op", OrganisationKind.Operator);
    public static readonly Actor SgForwarder = new("sg-fwd", OrganisationKind.Distributor);
    public static readonly Actor MyBroker = new("my-broker", OrganisationKind.Distributor);
    public static readonly Actor CnBuyer = new("cn-buyer", OrganisationKind.Distributor);

    private static readonly Instant Recorded = Instant.FromUtc(2024, 1, 1, 0, 0);
    private readonly ProjectionDaemon daemon;
    private readonly string flagsTable;

    private DetectionScenario(Registry registry, ProjectionDaemon daemon, string flagsTable)
    {
        Registry = registry;
        this.daemon = daemon;
        this.flagsTable = flagsTable;
    }

    public Registry Registry { get; }

    public ProjectionDaemon Daemon => daemon;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public static Instant On(int year, int month, int day, int hour = 12) => Instant.FromUtc(year, month, day, hour, 0);

    public static async Task<DetectionScenario> StartAsync(
        RegistryStoreFixture fixture, Func<EventSerializer, IAsyncProjection> rule, string flagsTable, int batchSize = 3)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        ArgumentNullException.ThrowIfNull(rule);
        var registry = await fixture.StartAsync();
        foreach (var (organisation, country) in new[] { (Nvidia, "US"), (UsOp, "US"), (SgForwarder, "SG"), (MyBroker, "MY"), (CnBuyer, "CN") })
        {
            (await registry.Commands.HandleAsync(new RegisterOrganisation(organisation.OrganisationId, organisation.OrganisationId, organisation.Kind,
                country, new LocalDate(2020, 1, 1), BuiltInOrganisations.RegistryAdmin, Recorded), cancellationToken: Cancel)).EnsureAccepted();
        }
        (await registry.Commands.HandleAsync(new RegisterAcceleratorModel(CatalogSeed.H100Sxm, Nvidia, Recorded), cancellationToken: Cancel)).EnsureAccepted();
        var daemon = new ProjectionDaemon(registry.Store, new ProjectionDaemonOptions
        {
            Projections = [new AsyncProjectionRegistration(rule(new EventSerializer(DomainStore.EventTypes())), DeadLetterPolicy.Halt)],
            BatchSize = batchSize,
            PollInterval = TimeSpan.FromMilliseconds(100),
        });
        await daemon.StartAsync(Cancel);
        return new DetectionScenario(registry, daemon, flagsTable);
    }

    public async Task<Guid> RunAsync(IChipCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        (await Registry.Commands.HandleAsync(command, cancellationToken: Cancel)).EnsureAccepted();
        return command.EventId;
    }

    /// <summary>Registers chips made in the US by the manufacturer.</summary>
    public async Task<string[]> MadeAsync(string name, int count, Instant at)
    {
        var chips = new string[count];
        for (var i = 0; i < count; i++)
        {
            chips[i] = $"nvidia:{name}-{i}-{Guid.NewGuid():N}";
            await RunAsync(new RegisterChip(ChipWorld.Id(), chips[i], CatalogSeed.H100Sxm.ModelId, "lot-d", "US", Nvidia, at));
        }
        return chips;
    }

    public async Task<Guid[]> ShipAsync(IEnumerable<string> chips, Actor shipper, string consignee, string country, Instant at)
    {
        var events = new List<Guid>();
        foreach (var chip in chips)
        {
            events.Add(await RunAsync(new ShipChip(ChipWorld.Id(), chip, country, consignee, consignee, consignee, consignee, consignee, null,
                ChipWorld.Context(consignee, country), shipper, at)));
        }
        return [.. events];
    }

    public async Task ReceiveAsync(IEnumerable<string> chips, Actor receiver, string country, Instant at)
    {
        foreach (var chip in chips) await RunAsync(new ReceiveChip(ChipWorld.Id(), chip, country, receiver, at));
    }

    public async Task TickAsync(Instant at) =>
        await Registry.Store.AppendAsync(
            new StreamAppend(StreamKeys.Clock, ExpectedVersion.Any, new NewEvent(new ClockTicked("registry", at), at), StreamKeys.ClockType),
            new AppendMetadata("registry") { IdempotencyKey = ClockStream.IdempotencyKey(at) }, Cancel);

    public async Task ThresholdAsync(string threshold, string value, Instant effectiveFrom) =>
        await Registry.Store.AppendAsync(
            new StreamAppend(StreamKeys.Threshold(threshold), ExpectedVersion.Any,
                new NewEvent(new DetectionThresholdChanged(threshold, value, effectiveFrom, "test", "bis", effectiveFrom), effectiveFrom),
                StreamKeys.ThresholdType),
            new AppendMetadata("bis"), Cancel);

    public async Task CatchUpAsync()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        timeout.CancelAfter(TimeSpan.FromMinutes(3));
        await daemon.WaitForCatchUpAsync(timeout.Token);
    }

    /// <summary>The rule's flags after catch-up, in id order.</summary>
    public async Task<IReadOnlyList<Flag>> FlagsAsync()
    {
        await CatchUpAsync();
        var flags = new List<Flag>();
        await using var command = Registry.DataSource.CreateCommand($"select {FlagTable.Columns} from {Registry.Table(flagsTable)} order by flag_id");
        await using var reader = await command.ExecuteReaderAsync(Cancel);
        while (await reader.ReadAsync(Cancel)) flags.Add(FlagTable.Read(reader, 0));
        return flags;
    }

    /// <summary>Sequence numbers of the given chip events, by event id.</summary>
    public async Task<long[]> SeqIdsAsync(IEnumerable<Guid> eventIds) =>
        await Registry.ScalarAsync<long[]>(
            $"select array_agg(seq_id order by seq_id) from {Registry.Table("events")} where event_id = any($1)", eventIds.ToArray());

    public async Task RebuildAsync(string projection)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        timeout.CancelAfter(TimeSpan.FromMinutes(3));
        await daemon.RebuildAsync(projection, timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await daemon.StopAsync(CancellationToken.None);
        daemon.Dispose();
    }
}

/// <summary>Renders flags as comparable lines.</summary>
public static class FlagText
{
    public static string Of(Flag flag)
    {
        ArgumentNullException.ThrowIfNull(flag);
        return $"{flag.Id} r{flag.Rule} {flag.Severity} {flag.Subject.Kind}:{flag.Subject.Id} {flag.Country} {flag.OpenedAt}..{flag.ClosedAt?.ToString() ?? "open"}"
            + $"{(flag.Withdrawn ? " withdrawn" : "")} [{string.Join(",", flag.Evidence)}] {flag.Explanation}";
    }
}
