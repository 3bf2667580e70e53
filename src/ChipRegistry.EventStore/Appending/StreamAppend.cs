namespace ChipRegistry.EventStore;

/// <summary>Events for one stream, guarded by the version the caller expects it to have.</summary>
public sealed record StreamAppend(string StreamKey, ExpectedVersion Expected, IReadOnlyList<NewEvent> Events, string? StreamType = null)
{
    public StreamAppend(string streamKey, ExpectedVersion expected, NewEvent @event, string? streamType = null)
        : this(streamKey, expected, [@event], streamType)
    {
    }
}
