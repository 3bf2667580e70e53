namespace ChipRegistry.EventStore;

/// <summary>A stream that a bulk append creates; it must not exist yet.</summary>
public sealed record NewStream(string StreamKey, IReadOnlyList<NewEvent> Events)
{
    public NewStream(string streamKey, NewEvent @event)
        : this(streamKey, [@event])
    {
    }
}
