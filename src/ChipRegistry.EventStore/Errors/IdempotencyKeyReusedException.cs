namespace ChipRegistry.EventStore;

/// <summary>
/// An idempotency key came back with a different request than the one it was first used for
/// (or, for an append, the key holds a saved response but no append). Nothing was appended.
/// </summary>
public sealed class IdempotencyKeyReusedException : Exception
{
    public IdempotencyKeyReusedException(string organisation, string key)
        : base($"Idempotency key '{key}' of organisation '{organisation}' was already used for a different request.")
    {
        Organisation = organisation;
        Key = key;
    }

    public IdempotencyKeyReusedException()
        : this("", "")
    {
    }

    public IdempotencyKeyReusedException(string message)
        : base(message)
    {
        Organisation = "";
        Key = "";
    }

    public IdempotencyKeyReusedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Organisation = "";
        Key = "";
    }

    public string Organisation { get; }

    public string Key { get; }
}
