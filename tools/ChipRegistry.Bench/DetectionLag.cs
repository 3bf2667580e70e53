using System.Diagnostics;
using System.Globalization;
using ChipRegistry.Domain.Attestations;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.EventStore;
using ChipRegistry.World;
using NodaTime;
using Npgsql;
using static ChipRegistry.Bench.ProjectionsBenchmark;

namespace ChipRegistry.Bench;

/// <summary>
/// The detection suite's lag leg: with every projection and rule caught up and running, a steady stream of appends
/// (location attestations by the installed chips' custodians, one custodian's batch of up to <see cref="Batch"/> chips
/// a transaction, as fast as the rate allows) for the given minutes, and for each batch the time from its
/// commit until every projection's checkpoint had passed it. Printed: the rate reached, the lag's p50, p99 and max in
/// seconds (target p99 &lt;= 5 s at 500 appends/s), and how long each projection took to pass the last append once the
/// writer stopped (the slowest first: where the lag is).
/// </summary>
internal static class DetectionLag
{
    private const int Batch = 50;
    private static readonly TimeSpan Sample = TimeSpan.FromMilliseconds(100);

    public static async Task RunAsync(
        PostgresEventStore store, NpgsqlDataSource dataSource, IReadOnlyList<AsyncProjectionRegistration> projections, int appendsPerSecond, double minutes)
    {
        var installed = await InstalledAsync(dataSource, store.Schema.Quoted);
        if (installed.Count == 0) throw new InvalidOperationException("the world has no installed chip to attest");
        Print("lag_minutes", minutes.ToString("F2", CultureInfo.InvariantCulture));
        Print("lag_target_appends_per_s", appendsPerSecond.ToString(CultureInfo.InvariantCulture));
        Log($"lag under {appendsPerSecond} appends/s for {minutes} min: attestations of {installed.Count:N0} installed chips, {Batch} a transaction");

        using var daemon = new ProjectionDaemon(store, new ProjectionDaemonOptions { Projections = projections });
        await daemon.PrepareAsync();
        await daemon.StartAsync(CancellationToken.None);
        try
        {
            await daemon.WaitForCatchUpAsync(CancellationToken.None);
            var commands = new CommandPipeline(new RegistryReads(store, dataSource));
            var clock = Stopwatch.StartNew();
            var duration = TimeSpan.FromMinutes(minutes);
            var pending = new Queue<(long SeqId, TimeSpan CommittedAt)>();
            var lags = new List<double>();
            using var stop = new CancellationTokenSource();
            var watcher = Task.Run(() => WatchAsync(daemon, pending, lags, clock, stop.Token));
            // Business time after the world's timeline, a second per batch, so every attestation follows its chip's latest act.
            var at = WorldSettings.End.Plus(Duration.FromHours(1));
            long appended = 0;
            // A batch is one custodian's act on chips it names once: batches take turns among the custodians, each
            // rotating through its own chips.
            var pools = installed.GroupBy(c => c.CustodianId, StringComparer.Ordinal).Select(g => g.ToList()).ToList();
            var offsets = new int[pools.Count];
            var turn = 0;
            while (clock.Elapsed < duration)
            {
                var due = (long)(clock.Elapsed.TotalSeconds * appendsPerSecond);
                if (appended >= due)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(5));
                    continue;
                }
                at = at.Plus(Duration.FromSeconds(1));
                var when = at;
                var p = turn++ % pools.Count;
                var pool = pools[p];
                var size = Math.Min(Batch, pool.Count);
                var batch = Enumerable.Range(0, size).Select(_ => pool[offsets[p]++ % pool.Count])
                    .Select(c => (IChipCommand)new AttestChipLocation(Guid.NewGuid(), c.ChipId, c.FacilityId, "delay", 1.5m, null, SignatureResult.Unsigned,
                        new Actor(c.CustodianId, OrganisationKind.Operator), when)).ToList();
                var result = await commands.HandleBatchAsync(batch);
                if (!result.IsAccepted) throw new InvalidOperationException($"an attestation batch was refused: {result.Error}");
                lock (pending) pending.Enqueue((result.Append!.SeqIds.Max(), clock.Elapsed));
                appended += size;
            }
            var writing = clock.Elapsed;
            // After the last append, how long each projection took to pass it: the slowest names where the lag is.
            var last = appended == 0 ? 0 : (await daemon.GetHealthAsync()).HighestSeqId;
            var drained = new Dictionary<string, double>(StringComparer.Ordinal);
            while (true)
            {
                foreach (var projection in (await daemon.GetHealthAsync()).Projections.Where(p => p.Checkpoint >= last))
                {
                    drained.TryAdd(projection.Name, (clock.Elapsed - writing).TotalSeconds);
                }
                lock (pending) if (pending.Count == 0 && drained.Count == projections.Count) break;
                await Task.Delay(Sample);
            }
            await stop.CancelAsync();
            await watcher;
            lags.Sort();
            Print("lag_appended", appended.ToString(CultureInfo.InvariantCulture));
            Print("lag_appends_per_s", (appended / writing.TotalSeconds).ToString("F0", CultureInfo.InvariantCulture));
            Print("lag_batches", lags.Count.ToString(CultureInfo.InvariantCulture));
            var p99 = Percentile(lags, 0.99);
            Print("lag_p50_s", Percentile(lags, 0.50).ToString("F2", CultureInfo.InvariantCulture));
            Print("lag_p99_s", p99.ToString("F2", CultureInfo.InvariantCulture));
            Print("lag_max_s", lags[^1].ToString("F2", CultureInfo.InvariantCulture));
            Print("lag_p99_target", $"<= 5 {(p99 <= 5 ? "pass" : "fail")}");
            foreach (var (name, seconds) in drained.OrderByDescending(d => d.Value))
            {
                Print($"lag_drained_{name}_s", seconds.ToString("F1", CultureInfo.InvariantCulture));
            }
            var dead = (await daemon.GetHealthAsync()).Projections.Where(p => p.DeadLetters > 0).ToList();
            Print("dead_letters_lag", dead.Count == 0 ? "0" : string.Join(", ", dead.Select(p => $"{p.Name} {p.DeadLetters}")));
            if (dead.Count > 0) throw new InvalidOperationException($"dead letters in {string.Join(", ", dead.Select(p => p.Name))}");
        }
        finally
        {
            await daemon.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>Every <see cref="Sample"/>: the batches every projection has passed, each with its lag since its commit.</summary>
    private static async Task WatchAsync(
        ProjectionDaemon daemon, Queue<(long SeqId, TimeSpan CommittedAt)> pending, List<double> lags, Stopwatch clock, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var health = await daemon.GetHealthAsync(CancellationToken.None);
            var passed = health.Projections.Min(p => p.Checkpoint);
            var now = clock.Elapsed;
            lock (pending)
            {
                while (pending.TryPeek(out var batch) && batch.SeqId <= passed)
                {
                    lags.Add((now - pending.Dequeue().CommittedAt).TotalSeconds);
                }
            }
            try
            {
                await Task.Delay(Sample, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    /// <summary>The installed chips, with the facility each sits in and its custodian (the operator who attests it).</summary>
    private static async Task<List<(string ChipId, string FacilityId, string CustodianId)>> InstalledAsync(NpgsqlDataSource dataSource, string schema)
    {
        var chips = new List<(string, string, string)>();
        await using var command = dataSource.CreateCommand(
            $"""
            select chip_id, facility_id, custodian_id from {schema}.chip_state
            where stage = 'installed' and not on_hold and not illegitimate and facility_id is not null order by chip_id
            """);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) chips.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        return chips;
    }
}
