using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.World;
using Npgsql;
using static ChipRegistry.Bench.ProjectionsBenchmark;

namespace ChipRegistry.Bench;

/// <summary>
/// The concentration latency legs: the API in its own process (Release, as tools/bench.sh api runs it) on the world's
/// database, its daemon first catching up over the world, then one client sending four kinds of reads interleaved in a
/// random order each round, so the shared machine's noise falls on all of them alike: a chip by id, a chip's history
/// (random chips), the top 20 facilities now, and the top 20 facilities as of a random day of the world's timeline.
/// Prints each kind's p50 and p99 and the two target ratios with pass or fail.
/// </summary>
internal static class ConcentrationLegs
{
    private const int WarmUpRounds = 30;
    private const int TimedRounds = 300;
    private const double CurrentVsChipReadTarget = 3;
    private const double AsOfVsCurrentTarget = 5;

    public static async Task PrintAsync(ProjectionsBench bench)
    {
        var assembly = new ApiBenchSettings().ApiAssembly;
        if (!File.Exists(assembly))
        {
            throw new FileNotFoundException("build the API in Release first (tools/bench.sh projections does)", assembly);
        }
        var chips = await RandomChipsAsync(bench, TimedRounds + WarmUpRounds);
        var port = ApiBenchmark.FreePort();
        // The API issues its bootstrap key only while the registry has no admin key, so a kept database (--reuse)
        // still holds the first run's: the token is the same for the same database.
        var adminKey = $"bench-admin-{bench.Settings.Database}";
        using var api = ApiBenchmark.StartApi(assembly, bench.DataSource.ConnectionString, port, adminKey, bench.Schema);
        try
        {
            using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(30) })
            {
                BaseAddress = new Uri($"http://127.0.0.1:{port}"),
                Timeout = TimeSpan.FromMinutes(2),
            };
            await ApiBenchmark.WaitUntilReadyAsync(http, adminKey, api);
            await WaitForProjectionsAsync(bench, http, adminKey);
            await TimeReadsAsync(bench, http, adminKey, chips);
        }
        finally
        {
            if (!api.HasExited)
            {
                api.Kill(entireProcessTree: true);
                await api.WaitForExitAsync();
            }
        }
    }

    /// <summary>The API's daemon projects the world on start; the reads are timed only once it has applied all of it.</summary>
    private static async Task WaitForProjectionsAsync(ProjectionsBench bench, HttpClient http, string adminKey)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            await using var last = bench.DataSource.CreateCommand($"select coalesce(max(seq_id), 0) from {bench.Schema}.events");
            var lastSeqId = (long)(await last.ExecuteScalarAsync())!;
            var (_, projected) = await GetAsync(http, adminKey, "/api/v1/concentration/facility?top=1");
            if (projected >= lastSeqId)
            {
                break;
            }
            if (clock.Elapsed > TimeSpan.FromHours(2))
            {
                throw new TimeoutException($"the API's daemon projected through {projected} of {lastSeqId} in two hours");
            }
            await Task.Delay(500);
        }
        Print("api_daemon_catchup_s", clock.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture));
        // Timing an empty answer would measure nothing: the world's chips must be placed in facilities by now.
        using var check = ApiBenchmark.Request(HttpMethod.Get, "/api/v1/concentration/facility?top=20", adminKey, null);
        using var response = await http.SendAsync(check);
        var groups = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("groups").GetArrayLength();
        Print("concentration_groups_read", groups.ToString(CultureInfo.InvariantCulture));
        if (groups == 0)
        {
            throw new InvalidOperationException("the concentration read has no groups once the daemon caught up");
        }
    }

    private static async Task TimeReadsAsync(ProjectionsBench bench, HttpClient http, string adminKey, IReadOnlyList<string> chips)
    {
        var random = new Random(bench.Settings.Seed);
        var days = (int)(WorldSettings.End - WorldSettings.Start).TotalDays;
        var kinds = new (string Name, Func<int, string> Path)[]
        {
            ("pk_select", round => $"/api/v1/chips/{Uri.EscapeDataString(chips[round])}"),
            ("history", round => $"/api/v1/chips/{Uri.EscapeDataString(chips[(round * 7 + 3) % chips.Count])}/history"),
            ("concentration", _ => "/api/v1/concentration/facility?top=20"),
            ("concentration_asof", _ => $"/api/v1/concentration/facility?top=20&asOf={WorldSettings.Start.InUtc().Date.PlusDays(random.Next(days)):yyyy-MM-dd}"),
        };
        var timings = kinds.ToDictionary(k => k.Name, _ => new List<double>(TimedRounds), StringComparer.Ordinal);
        Log($"api reads: {WarmUpRounds} warm-up rounds, then {TimedRounds} timed rounds of {kinds.Length} interleaved reads");
        for (var round = 0; round < WarmUpRounds + TimedRounds; round++)
        {
            foreach (var (name, path) in kinds.OrderBy(_ => random.Next()).ToList())
            {
                var (elapsed, _) = await GetAsync(http, adminKey, path(round));
                if (round >= WarmUpRounds)
                {
                    timings[name].Add(elapsed);
                }
            }
        }
        Print("api_reads_per_kind", TimedRounds.ToString(CultureInfo.InvariantCulture));
        foreach (var (name, _) in kinds)
        {
            Print($"{name}_p50_ms", ApiBenchmark.Ms(ApiBenchmark.Percentile(timings[name], 0.5)));
            Print($"{name}_p99_ms", ApiBenchmark.Ms(ApiBenchmark.Percentile(timings[name], 0.99)));
        }
        var chipP99 = ApiBenchmark.Percentile(timings["pk_select"], 0.99);
        var currentP99 = ApiBenchmark.Percentile(timings["concentration"], 0.99);
        var asOfP99 = ApiBenchmark.Percentile(timings["concentration_asof"], 0.99);
        PrintRatio("concentration_vs_pk_select_p99_ratio", currentP99 / chipP99, CurrentVsChipReadTarget);
        PrintRatio("concentration_asof_vs_current_p99_ratio", asOfP99 / currentP99, AsOfVsCurrentTarget);
    }

    private static void PrintRatio(string name, double ratio, double target)
    {
        Print(name, ratio.ToString("F2", CultureInfo.InvariantCulture));
        Print($"{name}_target", $"<= {target.ToString(CultureInfo.InvariantCulture)} {(ratio <= target ? "pass" : "fail")}");
    }

    /// <summary>One read, timed from send to the last byte of the body; anything but 200 ends the run.</summary>
    private static async Task<(double Elapsed, long ProjectedThrough)> GetAsync(HttpClient http, string key, string path)
    {
        using var request = ApiBenchmark.Request(HttpMethod.Get, path, key, null);
        var started = Stopwatch.GetTimestamp();
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode}, not 200: {await response.Content.ReadAsStringAsync()}");
        }
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var projected = body.TryGetProperty("projectedThroughSeqId", out var seqId) && seqId.ValueKind == JsonValueKind.Number ? seqId.GetInt64() : 0;
        return (elapsed, projected);
    }

    private static async Task<IReadOnlyList<string>> RandomChipsAsync(ProjectionsBench bench, int count)
    {
        // setseed makes the sample the same for the same world, so two runs read the same chips.
        await using var connection = await bench.DataSource.OpenConnectionAsync();
        await using (var seed = new NpgsqlCommand($"select setseed({(bench.Settings.Seed % 1000) / 1000.0})", connection))
        {
            await seed.ExecuteNonQueryAsync();
        }
        await using var select = new NpgsqlCommand($"select key from {bench.Schema}.streams where type = $1 order by random() limit $2", connection);
        select.Parameters.Add(new NpgsqlParameter { Value = StreamKeys.ChipType });
        select.Parameters.Add(new NpgsqlParameter { Value = count });
        var chips = new List<string>(count);
        await using var reader = await select.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            chips.Add(reader.GetString(0));
        }
        if (chips.Count == 0)
        {
            throw new InvalidOperationException("the world has no chips");
        }
        // A world smaller than the rounds reads its chips more than once.
        return [.. Enumerable.Range(0, count).Select(i => chips[i % chips.Count])];
    }
}
