namespace ChipRegistry.EventStore;

/// <summary>
/// Who appends and why, recorded on every event of the append. <see cref="IdempotencyKey"/> is
/// scoped to <see cref="ActingOrganisation"/>: a retry with the same key and the same request
/// returns the first result and appends nothing. <see cref="RequestHash"/> replaces the hash the
/// store computes from the append (stream keys, expected versions, event types, data, business
/// times; not event ids), e.g. with the hash of the HTTP request that carried the key.
/// </summary>
public sealed record AppendMetadata(string ActingOrganisation)
{
    public string? CorrelationId { get; init; }
    public string? CausationId { get; init; }
    public string? IdempotencyKey { get; init; }
    public byte[]? RequestHash { get; init; }

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(ActingOrganisation))
        {
            throw new ArgumentException("Every append names its acting organisation.", nameof(ActingOrganisation));
        }
        if (IdempotencyKey is { Length: 0 })
        {
            throw new ArgumentException("An idempotency key must not be empty.", nameof(IdempotencyKey));
        }
    }
}
