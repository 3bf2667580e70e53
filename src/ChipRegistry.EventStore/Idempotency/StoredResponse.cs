namespace ChipRegistry.EventStore;

/// <summary>A response the API kept for an Idempotency-Key, replayed to a retrying client for 30 days.</summary>
public sealed record StoredResponse(int Status, string Body);
