namespace ChipRegistry.EventStore;

/// <summary>
/// Who appends and why, recorded on every event of the append. <see cref="IdempotencyKey"/> is
/// scoped to <see cref="ActingOrganisation"/>: a retry with the same key and the same request
/// returns the first result and appends nothing. <see cref="RequestHash"/> replaces the hash the
/// store computes from the append (stream keys, expected versions, event types, data, business
/// times; not event ids), e.g. with the hash of the HTTP request that carried the key. With
/// <see cref="ResponseCommit"/> the append does not commit: it waits, holding its transaction, for
/// the response it answers to be stored beside it (see <see cref="EventStore.ResponseCommit"/>).
/// </summary>
public sealed record AppendMetadata(string ActingOrganisation)
{
    public string? CorrelationId { get; init; }
    public string? CausationId { get; init; }
    public string? IdempotencyKey { get; init; }
    public byte[]? RequestHash { get; init; }
    public ResponseCommit? ResponseCommit { get; init; }

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
        if (ResponseCommit is not null && IdempotencyKey is null)
        {
            throw new ArgumentException("Only an append under an idempotency key waits for its response.", nameof(ResponseCommit));
        }
        // A second append would wait on the key row the first holds uncommitted, and the first waits for this request.
        if (ResponseCommit is { HoldsAppend: true })
        {
            throw new InvalidOperationException("This idempotency key's response commit already holds an append: a request appends once under its key.");
        }
    }
}
