using System.Collections.Immutable;

namespace ChipRegistry.Domain.Chips;

/// <summary>
/// A chip's whole stream as stored (voids included) with its folded <see cref="State"/>: what a void needs and the
/// chip state alone does not keep. <see cref="Voided"/> names the voided events; <see cref="Dependents"/> records,
/// for each event, the later events whose validity rested on it (the void cascade). Only voids and history reads
/// build one, from the chip's events; every other command decides against <see cref="ChipState"/> alone.
/// </summary>
public sealed record ChipHistory(
    ChipState State,
    ImmutableList<IChipEvent> Events,
    ImmutableHashSet<Guid> Voided,
    ImmutableDictionary<Guid, ImmutableList<Guid>> Dependents)
{
    public static ChipHistory Initial(string chipId) =>
        new(ChipState.Initial(chipId), [], [], ImmutableDictionary<Guid, ImmutableList<Guid>>.Empty);

    public static ChipHistory Fold(string chipId, IEnumerable<IChipEvent> events) => events.Aggregate(Initial(chipId), (h, e) => h.Evolve(e));

    public string ChipId => State.ChipId;

    /// <summary>The non-voided events, in stream order.</summary>
    public IEnumerable<IChipEvent> Effective => Events.Where(e => e is not ChipEventVoided && !Voided.Contains(e.EventId));

    public IChipEvent? Find(Guid eventId) => Events.FirstOrDefault(e => e.EventId == eventId);

    /// <summary>
    /// One more event. A void re-folds every earlier event except the voided ones, so the state (and the dependency
    /// graph) is exactly what a stream without them would give; the version still counts every event.
    /// </summary>
    public ChipHistory Evolve(IChipEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.ChipId != ChipId) throw new InvalidOperationException($"event for {e.ChipId} applied to {ChipId}");
        var events = Events.Add(e);
        if (e is not ChipEventVoided v)
        {
            return new ChipHistory(ChipState.Evolve(State, e), events, Voided, DependsOn(Dependents, ChipState.DependencyOf(State, e), e.EventId));
        }
        var voided = Voided.Add(v.VoidedEventId);
        var state = ChipState.Initial(ChipId);
        var dependents = ImmutableDictionary<Guid, ImmutableList<Guid>>.Empty;
        foreach (var earlier in events)
        {
            if (earlier is ChipEventVoided || voided.Contains(earlier.EventId)) continue;
            dependents = DependsOn(dependents, ChipState.DependencyOf(state, earlier), earlier.EventId);
            state = ChipState.Evolve(state, earlier);
        }
        return new ChipHistory(state with { Version = events.Count }, events, voided, dependents);
    }

    /// <summary>Every event that (transitively) depends on <paramref name="eventId"/>, newest first.</summary>
    public IReadOnlyList<Guid> DependentsOf(Guid eventId)
    {
        var found = new HashSet<Guid>();
        var queue = new Queue<Guid>([eventId]);
        while (queue.TryDequeue(out var next))
        {
            foreach (var child in Dependents.GetValueOrDefault(next, []))
            {
                if (found.Add(child)) queue.Enqueue(child);
            }
        }
        var position = Events.Select((e, i) => (e.EventId, i)).ToDictionary(p => p.EventId, p => p.i);
        return [.. found.OrderByDescending(id => position[id])];
    }

    /// <summary>Structural equality: immutable collections compare by content, not reference.</summary>
    public bool Equals(ChipHistory? other) =>
        other is not null
        && State == other.State
        && Events.SequenceEqual(other.Events)
        && Voided.SetEquals(other.Voided)
        && Dependents.Count == other.Dependents.Count
        && Dependents.All(p => other.Dependents.TryGetValue(p.Key, out var theirs) && p.Value.SequenceEqual(theirs));

    public override int GetHashCode() => HashCode.Combine(State, Events.Count);

    private static ImmutableDictionary<Guid, ImmutableList<Guid>> DependsOn(ImmutableDictionary<Guid, ImmutableList<Guid>> dependents, Guid? on, Guid eventId) =>
        on is not { } parent ? dependents : dependents.SetItem(parent, dependents.GetValueOrDefault(parent, []).Add(eventId));
}
