using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using ChipRegistry.Api.Idempotency;
using ChipRegistry.EventStore;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace ChipRegistry.CrashProbe;

/// <summary>
/// <c>CrashProbe &lt;connection string&gt; &lt;path&gt; &lt;bearer token&gt; &lt;idempotency key&gt; &lt;json body&gt;</c>: hosts the
/// API on Kestrel in this process, POSTs the body to the path under the key, and, at the moment the API has kept the
/// response (committed with the request's events) and before a byte of it is sent, prints it (<c>status=</c>,
/// <c>header.Name=</c>, <c>body=</c> base64) and kills its own process with SIGKILL, as <c>kill -9</c> would. It exits
/// 3 if the response was sent after all, 2 on bad arguments.
/// </summary>
public static class CrashProbe
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length != 5)
        {
            await Console.Error.WriteLineAsync("usage: CrashProbe <connection string> <path> <bearer token> <idempotency key> <json body>");
            return 2;
        }
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_CHIPREGISTRY_API", AppContext.BaseDirectory);
        var port = FreePort();
        await using var factory = new ProbeFactory(new Dictionary<string, string>
        {
            ["ConnectionStrings:Registry"] = args[0],
            ["urls"] = $"http://127.0.0.1:{port}",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        factory.UseKestrel();
        factory.StartServer();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(5) };
        await WaitReadyAsync(http);

        using var request = new HttpRequestMessage(HttpMethod.Post, args[1]) { Content = new StringContent(args[4], Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", args[2]);
        request.Headers.Add(IdempotencyKeys.Header, args[3]);
        using var response = await http.SendAsync(request);
        Console.WriteLine($"sent={(int)response.StatusCode}");
        Console.WriteLine($"sent.body={await response.Content.ReadAsStringAsync()}");
        return 3;
    }

    private static async Task WaitReadyAsync(HttpClient http)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            try
            {
                if ((await http.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("/health/ready never answered 200.");
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

    /// <summary>Prints the kept response and dies on the spot: no finally block, no flush of the response, no commit after.</summary>
    private sealed class DieWhenKept : IIdempotentResponseKept
    {
        public Task KeptAsync(HttpContext context, StoredResponse response)
        {
            var output = new StringBuilder();
            output.Append("status=").Append(response.Status).Append('\n');
            foreach (var (name, value) in response.Headers.OrderBy(h => h.Key, StringComparer.Ordinal))
            {
                output.Append("header.").Append(name).Append('=').Append(value).Append('\n');
            }
            output.Append("body=").Append(Convert.ToBase64String(response.Body)).Append('\n');
            using (var stdout = Console.OpenStandardOutput())
            {
                stdout.Write(Encoding.UTF8.GetBytes(output.ToString()));
                stdout.Flush();
            }
            Process.GetCurrentProcess().Kill();
            return Task.Delay(Timeout.Infinite);
        }
    }

    private sealed class ProbeFactory(IReadOnlyDictionary<string, string> settings) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
            builder.ConfigureTestServices(services => services.AddSingleton<IIdempotentResponseKept, DieWhenKept>());
        }
    }
}
