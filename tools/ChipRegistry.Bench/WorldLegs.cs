using System.Diagnostics;
using System.Globalization;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.EventStore;
using ChipRegistry.World;
using Npgsql;
using static ChipRegistry.Bench.ProjectionsBenchmark;

namespace ChipRegistry.Bench;

/// <summary>How the world in the database was made: by this run, or by an earlier one (--reuse), with that run's figures.</summary>
internal sealed record WorldRun(bool Reused, long Events, double Seconds, long PeakMemoryKb, string Commit);

/// <summary>
/// The world legs: generate the world into the suite's database through the domain's commands, timing it
/// (<c>world_events_per_s</c>) and reading this process's peak resident memory (VmHWM) right after, before any other leg
/// runs. The generator holds one lot at a time, so the peak should not grow with the world.
/// </summary>
internal static class WorldLegs
{
    private const string Marker = "bench_world";

    public static async Task<WorldRun> GenerateOrReuseAsync(ProjectionsBenchSettings settings, NpgsqlDataSource dataSource, string schema)
    {
        if (settings.Reuse && await ReadMarkerAsync(dataSource) is { } kept)
        {
            Log($"reusing the world of {settings.Chips:N0} chips generated at commit {kept.Commit}");
            return kept;
        }
        if (settings.Reuse)
        {
            // A half-generated world from an interrupted run is not reused: start the database over.
            await using var drop = dataSource.CreateCommand($"drop schema if exists {schema} cascade");
            await drop.ExecuteNonQueryAsync();
            await using var create = dataSource.CreateCommand($"create schema {schema}");
            await create.ExecuteNonQueryAsync();
        }
        var store = await PostgresEventStore.StartAsync(dataSource, DomainStore.Options(schema));
        var commands = new CommandPipeline(new RegistryReads(store, dataSource));
        Log($"generating a world of {settings.Chips:N0} chips (seed {settings.Seed})");
        var lastShown = Stopwatch.StartNew();
        var progress = new Progress<WorldProgress>(p =>
        {
            if (lastShown.Elapsed < TimeSpan.FromSeconds(15) && p.Chips < p.TotalChips) return;
            lastShown.Restart();
            Log($"world: {p.Chips:N0}/{p.TotalChips:N0} chips, {p.Lots:N0} lots, {p.Events:N0} events, {p.Elapsed.TotalSeconds:F0} s, {p.Events / Math.Max(p.Elapsed.TotalSeconds, 0.001):F0} events/s");
        });
        var clock = Stopwatch.StartNew();
        var report = await WorldGenerator.GenerateAsync(commands, new WorldSettings(settings.Seed, settings.Chips), progress);
        var run = new WorldRun(false, report.Events, clock.Elapsed.TotalSeconds, PeakMemoryKb(), settings.Commit);
        if (report.Refusals != 0) throw new InvalidOperationException($"the domain refused {report.Refusals} of the world's commands");
        await WriteMarkerAsync(dataSource, run);
        return run;
    }

    public static Task PrintAsync(ProjectionsBench bench)
    {
        var world = bench.World;
        Print("world_reused", world.Reused ? $"true (generated at {world.Commit})" : "false");
        Print("world_events", world.Events.ToString(CultureInfo.InvariantCulture));
        Print("world_events_per_chip", (world.Events / (double)bench.Settings.Chips).ToString("F1", CultureInfo.InvariantCulture));
        Print("world_generation_s", world.Seconds.ToString("F1", CultureInfo.InvariantCulture));
        Print("world_events_per_s", (world.Events / world.Seconds).ToString("F0", CultureInfo.InvariantCulture));
        Print("world_peak_memory_mb", (world.PeakMemoryKb / 1024.0).ToString("F0", CultureInfo.InvariantCulture));
        return Task.CompletedTask;
    }

    /// <summary>VmHWM of this process, in KiB: the most resident memory it has used so far.</summary>
    private static long PeakMemoryKb()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }

    private static async Task<WorldRun?> ReadMarkerAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand($"select events, seconds, peak_memory_kb, commit from {Marker}");
        try
        {
            await using var reader = await command.ExecuteReaderAsync();
            return await reader.ReadAsync() ? new WorldRun(true, reader.GetInt64(0), reader.GetDouble(1), reader.GetInt64(2), reader.GetString(3)) : null;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return null;
        }
    }

    private static async Task WriteMarkerAsync(NpgsqlDataSource dataSource, WorldRun run)
    {
        await using (var create = dataSource.CreateCommand($"create table {Marker} (events bigint, seconds double precision, peak_memory_kb bigint, commit text)"))
        {
            await create.ExecuteNonQueryAsync();
        }
        await using var command = dataSource.CreateCommand($"insert into {Marker} values ($1, $2, $3, $4)");
        command.Parameters.Add(new NpgsqlParameter { Value = run.Events });
        command.Parameters.Add(new NpgsqlParameter { Value = run.Seconds });
        command.Parameters.Add(new NpgsqlParameter { Value = run.PeakMemoryKb });
        command.Parameters.Add(new NpgsqlParameter { Value = run.Commit });
        await command.ExecuteNonQueryAsync();
    }
}
