using System.Diagnostics;
using System.Globalization;
using ChipRegistry.LocalPostgres;
using Npgsql;

namespace ChipRegistry.Bench;

/// <summary>What the projections suite runs on: a generated world of <see cref="Chips"/> chips from <see cref="Seed"/>.</summary>
internal sealed record ProjectionsBenchSettings
{
    public int Chips { get; init; } = 100_000;
    public int Seed { get; init; } = 20_260_630;
    public string Commit { get; init; } = "unknown";

    /// <summary>Keep the seeded cluster (under <see cref="ReuseHome"/>) and reuse its world when one of the same size and seed is there.</summary>
    public bool Reuse { get; init; }

    public static string ReuseHome =>
        Environment.GetEnvironmentVariable("CHIPREGISTRY_BENCH_HOME") is { Length: > 0 } home ? home : "/tmp/chipregistry-bench/projections";

    public string Database => $"world_{Chips}_{Seed}";
}

/// <summary>
/// The database a projections run measures, with the world in it: generated now (the world legs time it), or found
/// from an earlier run with --reuse (the world legs then print that run's figures). Each leg prints its own lines.
/// </summary>
internal sealed record ProjectionsBench(ProjectionsBenchSettings Settings, NpgsqlDataSource DataSource, string Schema, WorldRun World);

/// <summary>
/// tools/bench.sh projections: the world legs first (generation speed and the generator's peak memory), then each leg
/// of <see cref="Legs"/> against the same database. A new leg is one more entry there.
/// </summary>
internal static class ProjectionsBenchmark
{
    public const string Schema = "registry";

    private static readonly IReadOnlyList<(string Name, Func<ProjectionsBench, Task> Run)> Legs =
    [
        ("world", WorldLegs.PrintAsync),
        ("concentration_api", ConcentrationLegs.PrintAsync),
        ("rebuild", RebuildLegs.PrintAsync),
    ];

    public static async Task RunAsync(ProjectionsBenchSettings settings)
    {
        var wall = Stopwatch.StartNew();
        var cluster = settings.Reuse ? OpenKept() : ThrowawayClusters.Start(ClusterOwner.Current, Log);
        try
        {
            await using (var admin = NpgsqlDataSource.Create(cluster.ConnectionString()))
            {
                await using var exists = admin.CreateCommand("select count(*) from pg_database where datname = $1");
                exists.Parameters.Add(new NpgsqlParameter { Value = settings.Database });
                if ((long)(await exists.ExecuteScalarAsync())! == 0)
                {
                    await using var create = admin.CreateCommand($"create database \"{settings.Database}\"");
                    await create.ExecuteNonQueryAsync();
                }
            }
            var builder = new NpgsqlDataSourceBuilder(cluster.ConnectionString(settings.Database));
            builder.UseNodaTime();
            await using var dataSource = builder.Build();
            await PrintSettingsAsync(settings, dataSource);
            var world = await WorldLegs.GenerateOrReuseAsync(settings, dataSource, Schema);
            var bench = new ProjectionsBench(settings, dataSource, Schema, world);
            foreach (var (name, run) in Legs)
            {
                var leg = Stopwatch.StartNew();
                await run(bench);
                Print($"{name}_leg_wall_s", leg.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture));
            }
            await using var size = dataSource.CreateCommand("select pg_database_size(current_database())");
            Print("pg_database_size_mb", ((long)(await size.ExecuteScalarAsync())! / 1024.0 / 1024.0).ToString("F0", CultureInfo.InvariantCulture));
            Print("suite_wall_s", wall.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            if (settings.Reuse)
            {
                Log($"keeping the cluster in {cluster.Directory} (stopped) for the next --reuse run");
                cluster.Stop();
            }
            else
            {
                cluster.Remove();
            }
        }
    }

    /// <summary>The kept cluster, created on first use (owned by no process, so the throwaway reaper leaves it alone).</summary>
    private static LocalCluster OpenKept()
    {
        var directory = ProjectionsBenchSettings.ReuseHome;
        var binaries = PostgresBinaries.Locate(Log);
        var settings = ClusterSettings.Throwaway;
        LocalCluster cluster;
        if (File.Exists(Path.Combine(directory, "data", "PG_VERSION")))
        {
            Log($"reusing the cluster in {directory}");
            // Socket only (no TCP): the socket file is named after the default port, in the cluster's own directory.
            cluster = LocalCluster.Open(directory, binaries, 5432);
        }
        else
        {
            Log($"creating a cluster to keep in {directory}");
            cluster = LocalCluster.Create(directory, binaries, settings);
        }
        cluster.Start();
        return cluster;
    }

    private static async Task PrintSettingsAsync(ProjectionsBenchSettings settings, NpgsqlDataSource dataSource)
    {
        Print("commit", settings.Commit);
        Print("cores", Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture));
        Print("chips", settings.Chips.ToString(CultureInfo.InvariantCulture));
        Print("seed", settings.Seed.ToString(CultureInfo.InvariantCulture));
        Print("reuse", settings.Reuse ? "true" : "false");
        foreach (var setting in new[] { "server_version", "fsync", "synchronous_commit", "shared_buffers" })
        {
            await using var show = dataSource.CreateCommand($"show {setting}");
            Print(setting, (string)(await show.ExecuteScalarAsync())!);
        }
    }

    internal static void Print(string name, string value) => Console.WriteLine($"{name}: {value}");

    internal static void Log(string message) => Console.Error.WriteLine($"[bench] {message}");
}
