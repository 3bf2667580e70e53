using System.Security.Cryptography;
using System.Text;

namespace ChipRegistry.Domain.Common;

/// <summary>
/// New event ids arrive with the command; a decision that produces several events derives the others from that
/// one id, deterministically (SHA-256 of the seed and a label), so a decision stays a pure function.
/// </summary>
public static class DeterministicIds
{
    public static Guid Derive(Guid seed, string label)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{seed:N}/{label}"), hash);
        var bytes = hash[..16].ToArray();
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x80); // version 8 (custom), as laid out by Guid's byte order
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(bytes);
    }
}
