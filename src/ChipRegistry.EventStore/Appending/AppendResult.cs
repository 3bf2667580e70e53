namespace ChipRegistry.EventStore;

/// <summary>
/// What an append did: each stream's version after it, the sequence numbers of its events (in
/// the order given), and whether this is the stored result of an earlier call with the same
/// idempotency key (then nothing was appended now).
/// </summary>
public sealed record AppendResult(IReadOnlyList<AppendedStream> Streams, IReadOnlyList<long> SeqIds, bool Replayed)
{
    public long VersionOf(string streamKey) =>
        Streams.FirstOrDefault(s => s.StreamKey == streamKey)?.Version
        ?? throw new ArgumentException($"Stream '{streamKey}' was not part of this append.", nameof(streamKey));
}

public sealed record AppendedStream(string StreamKey, long Version);
