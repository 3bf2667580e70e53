using ChipRegistry.Domain.Common;
using ChipRegistry.EventStore;

namespace ChipRegistry.Domain.Persistence;

/// <summary>
/// What a handler did: accepted (the events appended and the store's result, with each stream's new version for
/// an ETag) or rejected with the decision's <see cref="DomainError"/> (nothing appended). A rejected lot also names
/// the serials that already had a stream (<see cref="ConflictingStreams"/>).
/// </summary>
public sealed record CommandResult(DomainError? Error, IReadOnlyList<IDomainEvent> Events, AppendResult? Append, BulkAppendResult? Bulk = null)
{
    public IReadOnlyList<string> ConflictingStreams { get; init; } = [];

    /// <summary>
    /// Refused before any decision because of who the caller is to the chip now (not its custodian, not the named
    /// consignee, ...), or because the act would only be an observation: a conflict with the chip's present parties.
    /// </summary>
    public bool RefusedForRelation { get; init; }

    public bool IsAccepted => Error is null;

    /// <summary>
    /// The state each written stream was decided on (null: a new stream), by stream key, and the events appended to
    /// it: what <see cref="StateAfter{TState, TEvent}"/> folds. Only the entity and multi-stream pipelines fill it.
    /// </summary>
    public IReadOnlyDictionary<string, (object? Before, IReadOnlyList<IDomainEvent> Appended)> Written { get; init; } =
        new Dictionary<string, (object?, IReadOnlyList<IDomainEvent>)>();

    public static CommandResult Rejected(DomainError error) => new(error, [], null);

    /// <summary>The stream's version after the append (for an ETag).</summary>
    public long VersionOf(string streamKey) =>
        Append?.VersionOf(streamKey) ?? throw new InvalidOperationException(Error is null ? "nothing was appended" : $"rejected: {Error}");

    /// <summary>
    /// A written stream's state after the append, folded from the state it was decided on and the events appended:
    /// what a fresh read of the stream gives once the append commits (the expected version guaranteed nothing came
    /// between), without reading it, so a response can be built before the commit (an Idempotency-Key's response is
    /// committed with the events).
    /// </summary>
    public TState StateAfter<TState, TEvent>(string streamKey, Func<TState?, TEvent, TState?> evolve)
        where TState : class
    {
        ArgumentNullException.ThrowIfNull(evolve);
        if (!Written.TryGetValue(streamKey, out var written))
        {
            throw new InvalidOperationException(Error is null ? $"{streamKey} was not written" : $"rejected: {Error}");
        }
        var state = (TState?)written.Before;
        foreach (var e in written.Appended.OfType<TEvent>())
        {
            state = evolve(state, e);
        }
        return state ?? throw new InvalidOperationException($"{streamKey} has no state after the append");
    }

    /// <summary>Throws <see cref="DomainRejectedException"/> when rejected, for callers that map exceptions to problems.</summary>
    public CommandResult EnsureAccepted() => Error is null ? this : throw new DomainRejectedException(Error);
}

/// <summary>A rejected command as an exception: the API maps <see cref="Error"/>'s code to a 4xx problem.</summary>
public sealed class DomainRejectedException : Exception
{
    public DomainRejectedException(DomainError error)
        : base(error?.ToString()) => Error = error ?? throw new ArgumentNullException(nameof(error));

    public DomainRejectedException()
        : this(new DomainError("rejected", "the command was rejected"))
    {
    }

    public DomainRejectedException(string message)
        : this(new DomainError("rejected", message))
    {
    }

    public DomainRejectedException(string message, Exception innerException)
        : base(message, innerException) => Error = new DomainError("rejected", message);

    public DomainError Error { get; }
}

/// <summary>
/// Request-level metadata recorded with every event of the append; the acting organisation comes from the
/// command's <see cref="Actor"/>. <see cref="IdempotencyKey"/> and <see cref="RequestHash"/> are the store's.
/// </summary>
public sealed record CommandMetadata
{
    public static CommandMetadata None { get; } = new();

    public string? CorrelationId { get; init; }
    public string? CausationId { get; init; }
    public string? IdempotencyKey { get; init; }
    public byte[]? RequestHash { get; init; }

    /// <summary>
    /// Where the append waits for the response it answers before it commits (see <see cref="EventStore.ResponseCommit"/>):
    /// the API's Idempotency-Key keeps the events and the response in one transaction.
    /// </summary>
    public ResponseCommit? ResponseCommit { get; init; }

    /// <summary>
    /// The stream version the caller last read (an HTTP <c>If-Match</c>); a command on a chip at any other
    /// version is rejected with <c>version_mismatch</c> instead of being decided against state the caller never saw.
    /// </summary>
    public long? ExpectedVersion { get; init; }

    internal AppendMetadata For(Actor actor) => new(actor.OrganisationId)
    {
        CorrelationId = CorrelationId,
        CausationId = CausationId,
        IdempotencyKey = IdempotencyKey,
        RequestHash = RequestHash,
        ResponseCommit = IdempotencyKey is null ? null : ResponseCommit,
    };
}
