using System.Net;
using System.Net.Sockets;

namespace ChipRegistry.Api.Webhooks;

/// <summary>
/// The HTTP client deliveries go through: no redirects followed, no proxy, no cookies, and every connection checked at
/// connect time: the host is resolved here and only addresses the settings allow are dialled, so a name that
/// resolves (or later re-resolves) to a private address reaches nothing.
/// </summary>
public static class WebhookHttp
{
    public static HttpClient Create(WebhookOptions options, WebhookHostResolver resolver)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(resolver);
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            ConnectTimeout = options.Timeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectCallback = async (context, cancellationToken) =>
            {
                var addresses = await resolver.ResolveAsync(context.DnsEndPoint.Host, cancellationToken);
                var allowed = addresses.Where(options.Allows).ToArray();
                if (allowed.Length == 0)
                {
                    throw new HttpRequestException(HttpRequestError.ConnectionError,
                        $"refused: {context.DnsEndPoint.Host} resolves only to addresses webhooks may not reach ({string.Join(", ", addresses.Select(a => a.ToString()))})");
                }
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }
}
