using System.Diagnostics;
using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Facilities;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.World.Anomalies;
using ChipRegistry.World.Cast;
using ChipRegistry.World.Lots;
using ChipRegistry.World.Sinks;
using NodaTime;

namespace ChipRegistry.World;

/// <summary>Where a long generation is: lots and chips lived so far, events appended, time taken.</summary>
public sealed record WorldProgress(int Lots, int Chips, int TotalChips, long Events, TimeSpan Elapsed);

/// <summary>
/// Generates a world into a registry through the domain's own commands (never by writing rows): the reference world
/// first, then lot after lot, each lived to its end before the next is made, so memory does not grow with the world.
/// The same settings give the same streams: keys, versions, types, data and business times.
/// </summary>
public static class WorldGenerator
{
    public static Task<WorldReport> GenerateAsync(
        CommandPipeline commands, WorldSettings settings, IProgress<WorldProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commands);
        return GenerateAsync(new PipelineSink(commands), settings, progress, cancellationToken);
    }

    /// <summary>
    /// The world into any sink. Before each lot the sink's clock is moved to the lot's fabrication (lots come in
    /// fabrication order, so it never goes back), and at the end to the timeline's last day.
    /// </summary>
    public static async Task<WorldReport> GenerateAsync(
        IWorldSink sink, WorldSettings settings, IProgress<WorldProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Chips <= 0) throw new ArgumentOutOfRangeException(nameof(settings), settings.Chips, "a world has at least one chip");
        if (settings.Until <= WorldSettings.Start) throw new ArgumentOutOfRangeException(nameof(settings), settings.Until, "a world's timeline ends after it starts");
        var clock = Stopwatch.StartNew();
        var report = new WorldReport();
        var organisations = new WorldOrganisations(settings.Seed);
        var facilities = new WorldFacilities(settings.Seed);
        await ReferenceWorld.AppendAsync(sink, organisations, facilities, report, cancellationToken);

        var models = new Dictionary<string, AcceleratorModel>(StringComparer.Ordinal);
        foreach (var spec in CatalogSeed.Models.Append(ReferenceWorld.CambriconMlu370))
        {
            models[spec.ModelId] = await sink.LoadModelAsync(spec.ModelId, cancellationToken)
                ?? throw new InvalidOperationException($"model {spec.ModelId} is not in the registry");
        }
        var sites = new Dictionary<string, Facility>(StringComparer.Ordinal);
        foreach (var facility in facilities.All)
        {
            sites[facility.Id] = await sink.LoadFacilityAsync(facility.Id, cancellationToken)
                ?? throw new InvalidOperationException($"facility {facility.Id} is not in the registry");
        }
        var directory = await sink.LoadOrganisationDirectoryAsync(cancellationToken);
        var world = new WorldContext(settings, sink, organisations, facilities, directory, models, sites, report);
        // Before the first tick, so the site is judged by it from the start.
        await ColossusSite.SetThresholdAsync(world, cancellationToken);
        var injectors = new Queue<IAnomalyInjector>(settings.Anomalies ? WorldInjectors.All.Where(i => i.Last < settings.Until).OrderBy(i => i.At) : []);

        foreach (var lot in new LotPlanner(settings, facilities).Lots())
        {
            // A timeline cut short (--until) makes no lot after its end.
            if (lot.FabricatedAt >= settings.Until) break;
            await InjectAsync(world, injectors, lot.FabricatedAt, cancellationToken);
            await TickAsync(world, lot.FabricatedAt, cancellationToken);
            await LotLife.LiveAsync(world, lot, cancellationToken);
            report.Lots++;
            report.Chips += lot.Size;
            progress?.Report(new WorldProgress(report.Lots, report.Chips, settings.Chips, report.Events, clock.Elapsed));
        }
        await InjectAsync(world, injectors, settings.Until, cancellationToken);
        await TickAsync(world, settings.FinalTick, cancellationToken);
        ColossusSite.Expect(world);
        return report;
    }

    /// <summary>The injectors whose scenarios start before <paramref name="before"/>, each when the clock reaches its start.</summary>
    private static async Task InjectAsync(WorldContext world, Queue<IAnomalyInjector> injectors, Instant before, CancellationToken cancellationToken)
    {
        while (injectors.TryPeek(out var next) && next.At < before)
        {
            await TickAsync(world, next.At, cancellationToken);
            await next.InjectAsync(new AnomalyScene(world, next.Rule), cancellationToken);
            injectors.Dequeue();
        }
    }

    /// <summary>
    /// Moves the clock to <paramref name="at"/> (to the whole second: a tick is one) a day at a time, so deadlines in
    /// between are judged in their order.
    /// </summary>
    private static async Task TickAsync(WorldContext world, Instant at, CancellationToken cancellationToken)
    {
        at = Instant.FromUnixTimeSeconds(at.ToUnixTimeSeconds());
        var day = Duration.FromDays(1);
        for (var next = world.LastTick is { } last ? last.Plus(day) : at; next < at; next = next.Plus(day))
        {
            await TickOnceAsync(world, next, cancellationToken);
        }
        if (world.LastTick is not { } latest || latest < at) await TickOnceAsync(world, at, cancellationToken);
    }

    private static async Task TickOnceAsync(WorldContext world, Instant at, CancellationToken cancellationToken)
    {
        if (await world.Commands.TickAsync(at, cancellationToken)) world.Report.Anomalies.Tick(at);
        world.LastTick = at;
    }
}
