using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace ChipRegistry.LotProbe;

/// <summary>
/// <c>LotProbe &lt;connection string&gt; &lt;serial count&gt; &lt;lot id&gt; [--report-heap]</c>: hosts the API on Kestrel in this
/// process, registers one lot of nvidia H100s of the given size through <c>POST /api/v1/lots</c> with a body written as it
/// is sent (chunked, never held whole), and prints <c>status=</c>, and with <c>--report-heap</c> the managed heap after
/// a full collection (<c>heap=</c>, <c>total=</c>). Exits 0 only on 201.
/// </summary>
public static class LotProbe
{
    private const string AdminKey = "lot-probe-bootstrap-admin-key-0123456789";

    public static async Task<int> Main(string[] args)
    {
        if (args.Length < 3 || !int.TryParse(args[1], out var count))
        {
            await Console.Error.WriteLineAsync("usage: LotProbe <connection string> <serial count> <lot id> [--report-heap]");
            return 2;
        }
        // The API's content root is this directory wherever the probe is started from (the test runs it from its own).
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_CHIPREGISTRY_API", AppContext.BaseDirectory);
        var port = FreePort();
        await using var factory = new ProbeFactory(new Dictionary<string, string>
        {
            ["ConnectionStrings:Registry"] = args[0],
            ["CHIPREGISTRY_BOOTSTRAP_ADMIN_KEY"] = AdminKey,
            ["urls"] = $"http://127.0.0.1:{port}",
            ["Registry:RateLimit:PermitsPerSecond"] = "10000",
            ["Registry:RateLimit:Burst"] = "10000",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        factory.UseKestrel();
        factory.StartServer();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(20) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        await WaitAsync(http, "/api/v1/models/nvidia-h100-sxm");

        // Keys go only to registered organisations; a second probe run on the same database finds it registered.
        var registered = await http.PostAsJsonAsync("/api/v1/organisations", new { organisationId = "nvidia", name = "NVIDIA", kind = "manufacturer", country = "US", foundedOn = "1993-04-05" });
        if (registered.StatusCode != HttpStatusCode.Conflict)
        {
            registered.EnsureSuccessStatusCode();
        }
        var issued = await http.PostAsJsonAsync("/api/v1/admin/keys", new { organisationId = "nvidia", role = "manufacturer", label = "lot probe" });
        issued.EnsureSuccessStatusCode();
        var token = (await issued.Content.ReadFromJsonAsync<Dictionary<string, object>>())!["token"].ToString();

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/lots") { Content = new LotContent(args[2], count) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        Console.WriteLine($"status={(int)response.StatusCode}");
        Console.WriteLine($"body={await response.Content.ReadAsStringAsync()}");

        if (args.Contains("--report-heap"))
        {
            var total = GC.GetTotalMemory(forceFullCollection: true);
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            Console.WriteLine($"heap={GC.GetGCMemoryInfo(GCKind.FullBlocking).HeapSizeBytes}");
            Console.WriteLine($"total={total}");
        }
        return response.StatusCode == HttpStatusCode.Created ? 0 : 1;
    }

    private static async Task WaitAsync(HttpClient http, string path)
    {
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (true)
        {
            try
            {
                if ((await http.GetAsync(path)).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{path} never answered 200.");
            }
            await Task.Delay(100);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class ProbeFactory(IReadOnlyDictionary<string, string> settings) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        }
    }

    /// <summary>The lot body, generated while it is sent: the header fields, then <c>nvidia:{lotId}-{n}</c> serials.</summary>
    private sealed class LotContent : HttpContent
    {
        private readonly string lotId;
        private readonly int count;

        public LotContent(string lotId, int count)
        {
            this.lotId = lotId;
            this.count = count;
            Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await using var writer = new StreamWriter(stream, new UTF8Encoding(false), 16 * 1024, leaveOpen: true);
            await writer.WriteAsync($$"""{"lotId":"{{lotId}}","modelId":"nvidia-h100-sxm","country":"TW","serials":[""");
            for (var n = 0; n < count; n++)
            {
                await writer.WriteAsync(n == 0 ? $"\"nvidia:{lotId}-{n}\"" : $",\"nvidia:{lotId}-{n}\"");
            }
            await writer.WriteAsync("]}");
            await writer.FlushAsync();
        }

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }
}
