namespace ChipRegistry.EventStore;

/// <summary>
/// A response the API kept for an Idempotency-Key, replayed to a retrying client for 30 days: its status, the
/// headers a replay repeats (Content-Type, ETag, Location) and its body, byte for byte. Equal when all three are.
/// </summary>
public sealed record StoredResponse(int Status, byte[] Body, IReadOnlyDictionary<string, string> Headers)
{
    /// <summary>A response with a UTF-8 body and no headers kept.</summary>
    public StoredResponse(int status, string body)
        : this(status, System.Text.Encoding.UTF8.GetBytes(body ?? throw new ArgumentNullException(nameof(body))), new Dictionary<string, string>())
    {
    }

    public bool Equals(StoredResponse? other) =>
        other is not null && Status == other.Status && Body.AsSpan().SequenceEqual(other.Body)
        && Headers.Count == other.Headers.Count
        && Headers.All(h => other.Headers.TryGetValue(h.Key, out var value) && value == h.Value);

    public override int GetHashCode() => HashCode.Combine(Status, Body.Length, Headers.Count);
}
