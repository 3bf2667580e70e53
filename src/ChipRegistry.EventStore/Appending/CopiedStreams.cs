namespace ChipRegistry.EventStore;

/// <summary>
/// What a bulk append remembers of its input once the events have gone to the server: each new stream's key and
/// version, in input order, and the request's hash. The input is read once (a lot streams from a request body), so
/// this is all there is to create the streams from, to read the events back for inline projections, and, when the
/// copy is refused, to name every stream that already exists. Keys only: the events themselves are never held.
/// </summary>
internal sealed class CopiedStreams : IDisposable
{
    private readonly List<string> keys = [];
    private readonly List<long> versions = [];
    private readonly RequestHash? hash;

    public CopiedStreams(string? streamType, bool hashed)
    {
        if (!hashed) return;
        hash = new RequestHash();
        hash.Add(streamType);
    }

    public IReadOnlyList<string> Keys => keys;

    public IReadOnlyList<long> Versions => versions;

    public long EventCount { get; private set; }

    public int StreamCount => keys.Count;

    /// <summary>Checks one stream of the input and remembers it; the hash covers what makes two requests the same.</summary>
    public void Add(NewStream stream, EventSerializer serializer, out CopiedRow[] rows)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (string.IsNullOrEmpty(stream.StreamKey) || stream.Events is not { Count: > 0 })
        {
            throw new ArgumentException($"A new stream needs a key and at least one event (stream #{keys.Count + 1}).", nameof(stream));
        }
        hash?.Add(stream.StreamKey);
        rows = new CopiedRow[stream.Events.Count];
        for (var i = 0; i < rows.Length; i++)
        {
            var e = stream.Events[i];
            rows[i] = new CopiedRow(e.EventId ?? Guid.CreateVersion7(), serializer.TypeNameOf(e.Data), serializer.Serialize(e.Data), PostgresTime.Truncate(e.OccurredAt));
            hash?.Add(rows[i].Type);
            hash?.Add(rows[i].Data);
            hash?.Add(rows[i].OccurredAt);
        }
        keys.Add(stream.StreamKey);
        versions.Add(rows.Length);
        EventCount += rows.Length;
    }

    /// <summary>The request's hash, once the whole input has been read; null when no idempotency key asked for one.</summary>
    public byte[]? FinishHash() => hash?.Finish();

    public void Dispose() => hash?.Dispose();
}

/// <summary>One event of a bulk append as it is copied: the id the caller gave or a new one, and its serialized form.</summary>
internal readonly record struct CopiedRow(Guid EventId, string Type, string Data, NodaTime.Instant OccurredAt);
