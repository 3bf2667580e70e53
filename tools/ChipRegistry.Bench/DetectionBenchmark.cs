using System.Diagnostics;
using System.Globalization;
using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.Domain.Projections;
using ChipRegistry.EventStore;
using ChipRegistry.LocalPostgres;
using ChipRegistry.World;
using ChipRegistry.World.Sinks;
using Npgsql;
using static ChipRegistry.Bench.ProjectionsBenchmark;

namespace ChipRegistry.Bench;

/// <summary>What the detection suite runs on: a generated world of <see cref="Chips"/> chips, its anomalies injected and its clock ticking.</summary>
internal sealed record DetectionBenchSettings
{
    public int Chips { get; init; } = 100_000;
    public int Seed { get; init; } = 20_260_630;
    public string Commit { get; init; } = "unknown";

    /// <summary>Minutes of the lag leg (0: none).</summary>
    public double LagMinutes { get; init; } = 10;

    public int LagAppendsPerSecond { get; init; } = 500;
}

/// <summary>
/// tools/bench.sh detection: a world generated with its anomalies and its clock ticks (the deadline rules judge it),
/// then the daemon's catch-up from zero twice over the same events, with the production options: the projections
/// alone (placements, lists, reference intervals, shipments), then, after their tables and positions are emptied,
/// every projection with the 17 rules. <c>detection_overhead_ratio</c> is the second time over the first (target
/// &lt;= 4); the flags each rule opened follow. Last, the lag leg (<see cref="DetectionLag"/>): every projection
/// running under a steady 500 appends/s for 10 minutes, and how far behind the appends they stay.
/// </summary>
internal static class DetectionBenchmark
{
    private const string Schema = "registry";

    public static async Task RunAsync(DetectionBenchSettings settings)
    {
        var wall = Stopwatch.StartNew();
        var cluster = ThrowawayClusters.Start(ClusterOwner.Current, Log);
        try
        {
            await using (var admin = NpgsqlDataSource.Create(cluster.ConnectionString()))
            {
                await using var create = admin.CreateCommand("create database detection");
                await create.ExecuteNonQueryAsync();
            }
            var builder = new NpgsqlDataSourceBuilder(cluster.ConnectionString("detection"));
            builder.UseNodaTime();
            await using var dataSource = builder.Build();
            Print("commit", settings.Commit);
            Print("cores", Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture));
            Print("chips", settings.Chips.ToString(CultureInfo.InvariantCulture));
            Print("seed", settings.Seed.ToString(CultureInfo.InvariantCulture));

            var store = await PostgresEventStore.StartAsync(dataSource, DomainStore.Options(Schema));
            Log($"generating a world of {settings.Chips:N0} chips with its anomalies and clock ticks (seed {settings.Seed})");
            var generation = Stopwatch.StartNew();
            var report = await WorldGenerator.GenerateAsync(new PipelineSink(new CommandPipeline(new RegistryReads(store, dataSource)), ticks: true),
                new WorldSettings(settings.Seed, settings.Chips));
            if (report.Refusals != 0) throw new InvalidOperationException($"the domain refused {report.Refusals} of the world's commands");
            Print("world_events", report.Events.ToString(CultureInfo.InvariantCulture));
            Print("world_generation_s", generation.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture));

            var all = RegistryProjections.All();
            var rules = FlagReads.TablesByRule.Values.Select(table => table[..^"_flags".Length]).ToHashSet(StringComparer.Ordinal);
            var projectionsAlone = all.Where(p => !rules.Contains(p.Name)).ToList();
            Print("projections_alone", string.Join(",", projectionsAlone.Select(p => p.Name)));
            Print("rules", rules.Count.ToString(CultureInfo.InvariantCulture));

            var alone = await CatchUpAsync(store, projectionsAlone, "projections alone");
            await EmptyAsync(dataSource, projectionsAlone);
            var withRules = await CatchUpAsync(store, all, "every projection and rule", finishes: true);
            Print("catchup_projections_alone_s", alone.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture));
            Print("catchup_with_rules_s", withRules.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture));
            Print("catchup_with_rules_events_per_s", (report.Events / withRules.TotalSeconds).ToString("F0", CultureInfo.InvariantCulture));
            var ratio = withRules.TotalSeconds / alone.TotalSeconds;
            Print("detection_overhead_ratio", ratio.ToString("F2", CultureInfo.InvariantCulture));
            Print("detection_overhead_ratio_target", $"<= 4 {(ratio <= 4 ? "pass" : "fail")}");
            await PrintFlagsAsync(dataSource);
            if (settings.LagMinutes > 0) await DetectionLag.RunAsync(store, dataSource, all, settings.LagAppendsPerSecond, settings.LagMinutes);
            Print("suite_wall_s", wall.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            cluster.Remove();
        }
    }

    /// <summary>
    /// A daemon over <paramref name="projections"/>, from their current positions to the high-water mark, timed; with
    /// <paramref name="finishes"/>, the instant each projection reached the mark (its runners share the cores, so the
    /// order and spacing show which ones cost the most).
    /// </summary>
    private static async Task<TimeSpan> CatchUpAsync(
        PostgresEventStore store, IReadOnlyList<AsyncProjectionRegistration> projections, string what, bool finishes = false)
    {
        Log($"daemon catch-up from zero: {what} ({projections.Count} projections)");
        using var daemon = new ProjectionDaemon(store, new ProjectionDaemonOptions { Projections = projections });
        await daemon.PrepareAsync();
        var clock = Stopwatch.StartNew();
        await daemon.StartAsync(CancellationToken.None);
        try
        {
            var finished = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
            var caughtUp = daemon.WaitForCatchUpAsync(CancellationToken.None);
            while (finishes && !caughtUp.IsCompleted)
            {
                var health = await daemon.GetHealthAsync();
                foreach (var p in health.Projections.Where(p => p.Lag == 0 && health.HighWaterMark > 0)) finished.TryAdd(p.Name, clock.Elapsed);
                await Task.WhenAny(caughtUp, Task.Delay(250));
            }
            await caughtUp;
            var elapsed = clock.Elapsed;
            // A dead letter is an event a projection could not apply: its flags are missing, and the time is not comparable.
            var dead = (await daemon.GetHealthAsync()).Projections.Where(p => p.DeadLetters > 0).ToList();
            Print($"dead_letters_{string.Join("_", what.Split(' '))}", dead.Count == 0 ? "0" : string.Join(", ", dead.Select(p => $"{p.Name} {p.DeadLetters}")));
            if (dead.Count > 0) throw new InvalidOperationException($"dead letters in {string.Join(", ", dead.Select(p => p.Name))}");
            foreach (var p in projections.Where(p => finishes && !finished.ContainsKey(p.Name))) finished[p.Name] = elapsed;
            foreach (var (name, at) in finished.OrderBy(f => f.Value))
            {
                Print($"catchup_finished_{name}_s", at.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture));
            }
            return elapsed;
        }
        finally
        {
            await daemon.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>The projections' tables emptied and their positions back at zero, as if they had never run.</summary>
    private static async Task EmptyAsync(NpgsqlDataSource dataSource, IReadOnlyList<AsyncProjectionRegistration> projections)
    {
        var tables = string.Join(", ", projections.SelectMany(p => p.Projection.Tables).Select(t => $"{Schema}.\"{t.Name}\""));
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"truncate {tables}"));
        var progress = new NpgsqlBatchCommand($"delete from {Schema}.projection_progress where name = any($1)");
        progress.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. projections.Select(p => p.Name)] });
        batch.BatchCommands.Add(progress);
        await batch.ExecuteNonQueryAsync();
    }

    /// <summary>Each rule's flags by status (open, closed, withdrawn) after the catch-up.</summary>
    private static async Task PrintFlagsAsync(NpgsqlDataSource dataSource)
    {
        long total = 0;
        foreach (var (rule, table) in FlagReads.TablesByRule.OrderBy(t => t.Key))
        {
            await using var count = dataSource.CreateCommand(
                $"""
                select count(*) filter (where not withdrawn and closed_at is null), count(*) filter (where not withdrawn and closed_at is not null),
                       count(*) filter (where withdrawn)
                from {Schema}."{table}"
                """);
            await using var reader = await count.ExecuteReaderAsync();
            await reader.ReadAsync();
            var (open, closed, withdrawn) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
            total += open + closed;
            Print($"flags_rule_{rule:D2}", $"{open} open, {closed} closed, {withdrawn} withdrawn");
        }
        Print("flags_opened", total.ToString(CultureInfo.InvariantCulture));
    }
}
