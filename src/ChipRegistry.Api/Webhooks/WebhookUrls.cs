using System.Net.Sockets;
using ChipRegistry.Api.Problems;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Webhooks;

namespace ChipRegistry.Api.Webhooks;

/// <summary>
/// The rules a subscription's URL must meet when it is made (docs/webhooks.md, "URLs"): absolute, https (http only to
/// a loopback host, and only where loopback is allowed), no credentials or fragment, and a host whose every address
/// webhooks may reach. The dispatcher checks the addresses again at each connection, since a name may re-resolve.
/// </summary>
public static class WebhookUrls
{
    public const int MaxLength = 2000;

    public static async Task<Uri> CheckAsync(string url, WebhookOptions options, WebhookHostResolver resolver, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(resolver);
        if (string.IsNullOrEmpty(url) || url.Length > MaxLength || url.Any(c => char.IsControl(c) || char.IsWhiteSpace(c))
            || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || string.IsNullOrEmpty(uri.Host))
        {
            throw Invalid($"url is an absolute https URL of at most {MaxLength} characters, without spaces or control characters.");
        }
        if (uri.UserInfo.Length > 0 || uri.Fragment.Length > 0)
        {
            throw Invalid("url carries no user name, password or fragment; authenticate the registry by the signature instead.");
        }
        System.Net.IPAddress[] addresses;
        try
        {
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bounded.CancelAfter(options.Timeout);
            addresses = await resolver.ResolveAsync(uri.DnsSafeHost, bounded.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw Refused($"{uri.DnsSafeHost} does not resolve.");
        }
        if (addresses.Length == 0) throw Refused($"{uri.DnsSafeHost} does not resolve.");
        if (addresses.FirstOrDefault(a => !options.Allows(a)) is { } forbidden)
        {
            throw Refused($"{uri.DnsSafeHost} resolves to {forbidden}, a loopback, private, link-local or otherwise non-public address; webhooks reach public addresses only.");
        }
        if (uri.Scheme == "http" && !addresses.All(a => WebhookAddresses.ScopeOf(a) == AddressScope.Loopback))
        {
            throw Invalid("url must use https; plain http is accepted only to a loopback host, for development.");
        }
        return uri;
    }

    private static ApiProblemException Invalid(string detail) =>
        DomainProblems.ToProblem(new DomainError(WebhookErrors.InvalidWebhookUrl, detail));

    private static ApiProblemException Refused(string detail) =>
        DomainProblems.ToProblem(new DomainError(WebhookErrors.WebhookUrlRefused, detail));
}
