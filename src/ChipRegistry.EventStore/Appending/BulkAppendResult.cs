namespace ChipRegistry.EventStore;

/// <summary>What a bulk creation did; <see cref="Replayed"/> as in <see cref="AppendResult"/>.</summary>
public sealed record BulkAppendResult(long StreamCount, long EventCount, bool Replayed);
