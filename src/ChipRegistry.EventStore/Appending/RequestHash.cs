using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace ChipRegistry.EventStore;

/// <summary>
/// SHA-256 over what makes two appends the same request: stream keys and types, expected
/// versions, event type names, event data and business times. Event ids are left out: a caller
/// retrying a request usually mints new ones. Every field is length-prefixed so that no two
/// different requests hash the same bytes.
/// </summary>
internal sealed class RequestHash : IDisposable
{
    private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public void Add(string? value)
    {
        if (value is null)
        {
            Add(-1L);
            return;
        }
        var bytes = Encoding.UTF8.GetBytes(value);
        Add((long)bytes.Length);
        hash.AppendData(bytes);
    }

    /// <summary>An instant as the 100 ns ticks since 0001-01-01 UTC that request hashes have always counted (stored hashes stay valid).</summary>
    public void Add(NodaTime.Instant value) => Add((value - NodaTime.NodaConstants.BclEpoch).BclCompatibleTicks);

    public void Add(long value)
    {
        Span<byte> buffer = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(buffer, value);
        hash.AppendData(buffer);
    }

    public byte[] Finish() => hash.GetHashAndReset();

    public void Dispose() => hash.Dispose();
}
