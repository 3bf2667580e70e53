using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using ChipRegistry.LocalPostgres;
using Npgsql;

namespace ChipRegistry.Bench;

/// <summary>What the api suite measures: how many events the hidden chip has, and how many timed requests of each kind.</summary>
internal sealed record ApiBenchSettings
{
    public int Events { get; init; } = 300;
    public int Samples { get; init; } = 200;
    public int WarmUp { get; init; } = 30;
    public string Commit { get; init; } = "unknown";

    /// <summary>The API as built in Release by tools/bench.sh (run from the repository root).</summary>
    public string ApiAssembly { get; init; } = "src/ChipRegistry.Api/bin/Release/net10.0/ChipRegistry.Api.dll";
}

/// <summary>
/// Whether a 404 tells a hidden chip from an unknown serial by its time (issue 11, D6). The API runs as its own
/// process on a throwaway cluster and is called over loopback HTTP, as a client would call it. Organisation A
/// registers a chip and gives it a long history; organisation B, never a party to it, then asks for it and for an
/// unknown serial of the same shape, the two interleaved in random order, for a chip's state, its history and a
/// write (a sale offer). Every answer must be 404, or the run fails. Prints name: value lines; asserts no timing.
/// </summary>
internal static class ApiBenchmark
{
    // The seeded catalog's H100 is nvidia's, and only a model's manufacturer registers chips of it.
    private const string Maker = "nvidia";
    private const string Stranger = "bench-stranger";
    private const string HiddenChip = Maker + ":1000000000001";
    private const string UnknownChip = Maker + ":1000000000999";

    public static async Task RunAsync(ApiBenchSettings settings)
    {
        if (!File.Exists(settings.ApiAssembly))
        {
            throw new FileNotFoundException("build the API in Release first (tools/bench.sh api does)", settings.ApiAssembly);
        }
        Log("starting a throwaway cluster");
        var cluster = ThrowawayClusters.Start(ClusterOwner.Current, Log);
        Process? api = null;
        try
        {
            var port = FreePort();
            var adminKey = $"bench-admin-{Guid.NewGuid():N}";
            api = StartApi(settings.ApiAssembly, cluster.ConnectionString(), port, adminKey);
            using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
            {
                BaseAddress = new Uri($"http://127.0.0.1:{port}"),
                Timeout = TimeSpan.FromSeconds(30),
            };
            await WaitUntilReadyAsync(http, adminKey, api);
            await using var dataSource = NpgsqlDataSource.Create(cluster.ConnectionString());
            await PrintSettingsAsync(settings, dataSource);
            await RunAsync(settings, http, adminKey);
        }
        finally
        {
            if (api is { HasExited: false })
            {
                api.Kill(entireProcessTree: true);
                await api.WaitForExitAsync();
            }
            api?.Dispose();
            NpgsqlConnection.ClearAllPools();
            cluster.Remove();
        }
    }

    private static async Task RunAsync(ApiBenchSettings settings, HttpClient http, string adminKey)
    {
        var makerKey = await OrganisationKeyAsync(http, adminKey, Maker, "manufacturer");
        var strangerKey = await OrganisationKeyAsync(http, adminKey, Stranger, "distributor");

        Log($"registering {HiddenChip} and giving it {settings.Events} events");
        await SendAsync(http, HttpMethod.Post, "/api/v1/lots", makerKey,
            new { lotId = "bench-lot-1", modelId = "nvidia-h100-sxm", country = "TW", serials = new[] { HiddenChip } }, HttpStatusCode.Created);
        for (var n = 2; n <= settings.Events; n++)
        {
            await SendAsync(http, HttpMethod.Post, "/api/v1/observations", makerKey,
                new { chipId = HiddenChip, kind = "inspection", details = $"inspection {n}" }, HttpStatusCode.Accepted);
        }
        using (var chip = await SendAsync(http, HttpMethod.Get, $"/api/v1/chips/{HiddenChip}", makerKey, null, HttpStatusCode.OK))
        {
            var version = (await chip.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt64();
            if (version != settings.Events)
            {
                throw new InvalidOperationException($"the hidden chip has {version} events, not {settings.Events}");
            }
        }

        var legs = new (string Name, HttpMethod Method, Func<string, string> Path, object? Body)[]
        {
            ("", HttpMethod.Get, chipId => $"/api/v1/chips/{chipId}", null),
            ("history_", HttpMethod.Get, chipId => $"/api/v1/chips/{chipId}/history", null),
            ("write_", HttpMethod.Post, chipId => $"/api/v1/chips/{chipId}/sale-offer", new { buyerId = Maker }),
        };
        var random = new Random(11);
        foreach (var (name, method, path, body) in legs)
        {
            Log($"{name}404: {settings.WarmUp} warm-up pairs, then {settings.Samples} timed pairs");
            var hidden = new List<double>();
            var unknown = new List<double>();
            for (var i = 0; i < settings.WarmUp + settings.Samples; i++)
            {
                // Each pair in random order, so neither side always follows the other.
                var hiddenFirst = random.Next(2) == 0;
                foreach (var isHidden in hiddenFirst ? new[] { true, false } : [false, true])
                {
                    var elapsed = await TimeNotFoundAsync(http, method, path(isHidden ? HiddenChip : UnknownChip), strangerKey, body);
                    if (i >= settings.WarmUp)
                    {
                        (isHidden ? hidden : unknown).Add(elapsed);
                    }
                }
            }
            var hiddenP50 = Percentile(hidden, 0.5);
            var unknownP50 = Percentile(unknown, 0.5);
            Print($"{name}hidden_404_p50_ms", Ms(hiddenP50));
            Print($"{name}unknown_404_p50_ms", Ms(unknownP50));
            Print($"{name}hidden_vs_unknown_404_ratio", (hiddenP50 / unknownP50).ToString("F3", CultureInfo.InvariantCulture));
            Print($"{name}hidden_404_p90_ms", Ms(Percentile(hidden, 0.9)));
            Print($"{name}unknown_404_p90_ms", Ms(Percentile(unknown, 0.9)));
        }
    }

    /// <summary>One request, timed from send to the last byte of the body; anything but 404 ends the run.</summary>
    private static async Task<double> TimeNotFoundAsync(HttpClient http, HttpMethod method, string path, string key, object? body)
    {
        using var request = Request(method, path, key, body);
        var started = Stopwatch.GetTimestamp();
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (response.StatusCode != HttpStatusCode.NotFound)
        {
            throw new InvalidOperationException($"{method} {path} answered {(int)response.StatusCode}, not 404: {await response.Content.ReadAsStringAsync()}");
        }
        return elapsed;
    }

    private static async Task PrintSettingsAsync(ApiBenchSettings settings, NpgsqlDataSource dataSource)
    {
        Print("commit", settings.Commit);
        Print("cores", Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture));
        Print("events_on_hidden_chip", settings.Events.ToString(CultureInfo.InvariantCulture));
        Print("samples_per_side", settings.Samples.ToString(CultureInfo.InvariantCulture));
        Print("warm_up_pairs", settings.WarmUp.ToString(CultureInfo.InvariantCulture));
        Print("transport", "HTTP/1.1 over loopback to the API in its own process (Release, Kestrel), one keep-alive connection, one request at a time");
        foreach (var setting in new[] { "server_version", "fsync", "synchronous_commit", "shared_buffers" })
        {
            await using var show = dataSource.CreateCommand($"show {setting}");
            Print(setting, (string)(await show.ExecuteScalarAsync())!);
        }
    }

    internal static Process StartApi(string assembly, string connectionString, int port, string adminKey, string? schema = null)
    {
        var start = new ProcessStartInfo("dotnet", [assembly])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ConnectionStrings__Registry"] = connectionString;
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["CHIPREGISTRY_BOOTSTRAP_ADMIN_KEY"] = adminKey;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        if (schema is not null)
        {
            start.Environment["Registry__Schema"] = schema;
        }
        // The per-key budget would otherwise refuse a benchmark's steady stream of requests (429).
        start.Environment["Registry__RateLimit__PermitsPerSecond"] = "1000000";
        start.Environment["Registry__RateLimit__Burst"] = "1000000";
        Log($"starting the API on 127.0.0.1:{port}");
        var process = Process.Start(start) ?? throw new InvalidOperationException("the API did not start");
        process.OutputDataReceived += (_, e) => { if (e.Data is { Length: > 0 }) Log($"api: {e.Data}"); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 }) Log($"api: {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Ready once the schema is migrated and the bootstrap admin key is issued (both happen in the background).</summary>
    internal static async Task WaitUntilReadyAsync(HttpClient http, string adminKey, Process api)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromMinutes(2))
        {
            if (api.HasExited)
            {
                throw new InvalidOperationException($"the API exited with {api.ExitCode}");
            }
            try
            {
                using var response = await http.SendAsync(Request(HttpMethod.Get, "/api/v1/admin/keys", adminKey, null));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(200);
        }
        throw new TimeoutException("the API was not ready within two minutes");
    }

    private static async Task<string> OrganisationKeyAsync(HttpClient http, string adminKey, string organisationId, string kind)
    {
        await SendAsync(http, HttpMethod.Post, "/api/v1/organisations", adminKey,
            new { organisationId, name = organisationId, kind, country = "US", foundedOn = "2001-01-01" }, HttpStatusCode.Created);
        using var issued = await SendAsync(http, HttpMethod.Post, "/api/v1/admin/keys", adminKey, new { organisationId, label = "bench" }, HttpStatusCode.Created);
        return (await issued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string path, string key, object? body, HttpStatusCode expected)
    {
        using var request = Request(method, path, key, body);
        var response = await http.SendAsync(request);
        if (response.StatusCode != expected)
        {
            var text = await response.Content.ReadAsStringAsync();
            response.Dispose();
            throw new InvalidOperationException($"{method} {path} answered {(int)response.StatusCode}, not {(int)expected}: {text}");
        }
        return response;
    }

    internal static HttpRequestMessage Request(HttpMethod method, string path, string key, object? body)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType());
        }
        return request;
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    internal static double Percentile(List<double> values, double q)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Floor(q * sorted.Length))];
    }

    internal static string Ms(double value) => value.ToString("F3", CultureInfo.InvariantCulture);

    private static void Print(string name, string value) => Console.WriteLine($"{name}: {value}");

    private static void Log(string message) => Console.Error.WriteLine($"[bench] {message}");
}
