namespace ChipRegistry.EventStore;

/// <summary>Events for one stream, guarded by the version the caller expects it to have.</summary>
public sealed record StreamAppend(string StreamKey, ExpectedVersion Expected, IReadOnlyList<NewEvent> Events, string? StreamType = null)
{
    public StreamAppend(string streamKey, ExpectedVersion expected, NewEvent @event, string? streamType = null)
        : this(streamKey, expected, [@event], streamType)
    {
    }

    /// <summary>
    /// The stream's state as the caller loaded it to decide this append, at exactly <see cref="Expected"/>. Lent to
    /// the inline projections (<see cref="ProjectionSession.SnapshotOf"/>) so they need not read it again: the
    /// append checks the expected version under the stream's lock, so a snapshot at that version is the current one.
    /// Ignored with <see cref="ExpectedVersion.Any"/> or <see cref="ExpectedVersion.NoStream"/>.
    /// </summary>
    public object? Snapshot { get; init; }
}
