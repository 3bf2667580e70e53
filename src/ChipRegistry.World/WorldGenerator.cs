using System.Diagnostics;
using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Facilities;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.World.Cast;
using ChipRegistry.World.Lots;

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
    public static async Task<WorldReport> GenerateAsync(
        CommandPipeline commands, WorldSettings settings, IProgress<WorldProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commands);
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Chips <= 0) throw new ArgumentOutOfRangeException(nameof(settings), settings.Chips, "a world has at least one chip");
        var clock = Stopwatch.StartNew();
        var report = new WorldReport();
        var organisations = new WorldOrganisations(settings.Seed);
        var facilities = new WorldFacilities(settings.Seed);
        await ReferenceWorld.AppendAsync(commands, organisations, facilities, report, cancellationToken);

        var models = new Dictionary<string, AcceleratorModel>(StringComparer.Ordinal);
        foreach (var spec in CatalogSeed.Models.Append(ReferenceWorld.CambriconMlu370))
        {
            models[spec.ModelId] = (await commands.Reads.LoadModelAsync(spec.ModelId, cancellationToken)).State
                ?? throw new InvalidOperationException($"model {spec.ModelId} is not in the registry");
        }
        var sites = new Dictionary<string, Facility>(StringComparer.Ordinal);
        foreach (var facility in facilities.All)
        {
            sites[facility.Id] = (await commands.Reads.LoadFacilityAsync(facility.Id, cancellationToken)).State
                ?? throw new InvalidOperationException($"facility {facility.Id} is not in the registry");
        }
        var directory = await commands.Reads.LoadOrganisationDirectoryAsync(cancellationToken);
        var world = new WorldContext(settings, commands, organisations, facilities, directory, models, sites, report);

        foreach (var lot in new LotPlanner(settings, facilities).Lots())
        {
            await LotLife.LiveAsync(world, lot, cancellationToken);
            report.Lots++;
            report.Chips += lot.Size;
            progress?.Report(new WorldProgress(report.Lots, report.Chips, settings.Chips, report.Events, clock.Elapsed));
        }
        return report;
    }
}
