using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace ChipRegistry.Api.Tests.Webhooks;

/// <summary>
/// An agency's endpoint on loopback: records every request (headers and body) and answers with the status
/// <see cref="StatusOf"/> gives the nth request (1-based); <see cref="Gate"/>, while set, holds every answer.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly HttpListener listener = new();
    private readonly Task loop;
    private readonly Channel<ReceivedWebhook> arrivals = Channel.CreateUnbounded<ReceivedWebhook>();
    private int count;

    public sealed record ReceivedWebhook(int Number, IReadOnlyDictionary<string, string> Headers, string Body);

    public WebhookReceiver()
    {
        var port = FreePort();
        Url = $"http://127.0.0.1:{port}/hook";
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        loop = Task.Run(ListenAsync);
    }

    public string Url { get; }

    public Func<int, int> StatusOf { get; set; } = _ => 200;

    public Task? Gate { get; set; }

    public ConcurrentQueue<ReceivedWebhook> Received { get; } = new();

    /// <summary>The next request to arrive (whether or not its answer is held).</summary>
    public async Task<ReceivedWebhook> NextAsync(CancellationToken cancellationToken) => await arrivals.Reader.ReadAsync(cancellationToken);

    private async Task ListenAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        using var reader = new StreamReader(context.Request.InputStream, System.Text.Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var number = Interlocked.Increment(ref count);
        var headers = context.Request.Headers.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => context.Request.Headers[k]!, StringComparer.OrdinalIgnoreCase);
        var received = new ReceivedWebhook(number, headers, body);
        Received.Enqueue(received);
        await arrivals.Writer.WriteAsync(received);
        if (Gate is { } gate) await gate;
        context.Response.StatusCode = StatusOf(number);
        context.Response.Close();
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        listener.Stop();
        listener.Close();
        await loop;
    }
}
