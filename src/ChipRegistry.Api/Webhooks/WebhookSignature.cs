using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ChipRegistry.Api.Webhooks;

/// <summary>
/// <c>ChipRegistry-Signature: t={unix seconds},v1={hex HMAC-SHA256}</c> over <c>{t}.{body}</c>, keyed with the UTF-8
/// bytes of the subscription's secret (docs/webhooks.md shows a receiver's check).
/// </summary>
public static class WebhookSignature
{
    public const string Header = "ChipRegistry-Signature";
    public const string DeliveryHeader = "ChipRegistry-Delivery";
    public const string EventHeader = "ChipRegistry-Event";

    public static string Sign(string secret, long timestamp, string body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(body);
        var signed = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{timestamp}.{body}"));
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);
        return string.Create(CultureInfo.InvariantCulture, $"t={timestamp},v1={Convert.ToHexStringLower(mac)}");
    }

    /// <summary>A new secret: 32 random bytes, shown to the subscriber once.</summary>
    public static string NewSecret() => "whsec_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
}
