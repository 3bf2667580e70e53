namespace ChipRegistry.EventStore;

/// <summary>
/// A projection written inside the append's transaction: it sees the events just appended (with
/// their sequence numbers and versions) and writes its tables through the session, so its state
/// commits or rolls back with the events. Throwing rolls the whole append back.
/// </summary>
public interface IInlineProjection
{
    string Name { get; }

    Task ApplyAsync(ProjectionSession session, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken);
}
