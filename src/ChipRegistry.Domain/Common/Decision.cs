namespace ChipRegistry.Domain.Common;

/// <summary>
/// The outcome of a pure decision: either the events to append (possibly none) or a domain error.
/// A rejected decision never carries events.
/// </summary>
public sealed class Decision<TEvent>
{
    private Decision(IReadOnlyList<TEvent> events, DomainError? error)
    {
        Events = events;
        Error = error;
    }

    public IReadOnlyList<TEvent> Events { get; }

    public DomainError? Error { get; }

    public bool IsAccepted => Error is null;

    public static Decision<TEvent> Accept(params TEvent[] events) => new(events, null);

    public static Decision<TEvent> Accept(IEnumerable<TEvent> events) => new(events.ToArray(), null);

    public static Decision<TEvent> Reject(DomainError error) => new([], error);

    public static Decision<TEvent> Reject(string code, string message) => new([], new DomainError(code, message));

#pragma warning disable CA2225 // a named alternative exists: Reject
    public static implicit operator Decision<TEvent>(DomainError error) => Reject(error);
#pragma warning restore CA2225

    public override string ToString() =>
        IsAccepted ? $"accepted: {string.Join(", ", Events.Select(e => e?.GetType().Name))}" : $"rejected: {Error}";
}
