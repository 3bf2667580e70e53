using System.Net;
using System.Net.Sockets;

namespace ChipRegistry.Api.Webhooks;

public enum AddressScope
{
    Public,
    Loopback,
    Private,
}

/// <summary>
/// Which addresses a webhook may reach: public ones; loopback and non-public ones only when configured. Decided on
/// the address itself, so it holds for a name that resolves to 10.x or 169.254.x as for a literal.
/// </summary>
public static class WebhookAddresses
{
    public static AddressScope ScopeOf(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address)) return AddressScope.Loopback;
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            var nonPublic = b[0] is 0 or 10 or 127 or >= 224                 // this network, private, loopback, multicast and reserved
                || (b[0] == 100 && b[1] is >= 64 and <= 127)                 // shared (carrier-grade NAT)
                || (b[0] == 169 && b[1] == 254)                              // link-local, cloud metadata
                || (b[0] == 172 && b[1] is >= 16 and <= 31)
                || (b[0] == 192 && b[1] == 168)
                || (b[0] == 192 && b[1] == 0 && b[2] == 0)                   // IETF protocol assignments
                || (b[0] == 198 && b[1] is 18 or 19);                         // benchmarking
            return nonPublic ? AddressScope.Private : AddressScope.Public;
        }
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var b = address.GetAddressBytes();
            var nonPublic = address.Equals(IPAddress.IPv6Any) || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast
                || (b[0] & 0xfe) == 0xfc;                                     // unique local fc00::/7
            return nonPublic ? AddressScope.Private : AddressScope.Public;
        }
        return AddressScope.Private;
    }

    public static bool Allows(this WebhookOptions options, IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(options);
        return ScopeOf(address) switch
        {
            AddressScope.Public => true,
            AddressScope.Loopback => options.AllowLoopback,
            _ => options.AllowPrivateAddresses,
        };
    }
}

/// <summary>Resolves a webhook's host to its addresses (a literal is its own address); tests give names their own answers.</summary>
public sealed class WebhookHostResolver(Func<string, CancellationToken, Task<IPAddress[]>> resolve)
{
    public static WebhookHostResolver System { get; } = new(Dns.GetHostAddressesAsync);

    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        var bare = host.TrimStart('[').TrimEnd(']');
        return IPAddress.TryParse(bare, out var literal) ? Task.FromResult(new[] { literal }) : resolve(bare, cancellationToken);
    }
}
