namespace ChipRegistry.EventStore;

/// <summary>A stream folded into state, with the version of the last event applied (0 if none).</summary>
public sealed record StreamAggregate<TState>(string StreamKey, TState State, long Version);
