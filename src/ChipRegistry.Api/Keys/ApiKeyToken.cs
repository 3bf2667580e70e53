using System.Security.Cryptography;
using System.Text;

namespace ChipRegistry.Api.Keys;

/// <summary>
/// A bearer token <c>crk_&lt;key id&gt;_&lt;secret&gt;</c>: 128 random bits of id, 256 of secret. The secret has
/// full entropy, so a single SHA-256 (not a slow password hash) is enough to make a stolen table useless.
/// </summary>
public static class ApiKeyToken
{
    private const string Prefix = "crk_";

    public static (string KeyId, string Token) Generate()
    {
        var keyId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        return (keyId, $"{Prefix}{keyId}_{secret}");
    }

    /// <summary>
    /// Long enough to carry real entropy and short enough not to be abuse: generated tokens and an
    /// operator-chosen bootstrap key both pass; anything else is refused without a database query.
    /// </summary>
    public static bool IsPlausible(string token) => token.Length is >= 24 and <= 256;

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
