using ChipRegistry.Domain.Common;
using NodaTime;
using static ChipRegistry.Domain.Chips.ChipErrors;

namespace ChipRegistry.Domain.Chips;

/// <summary>Void <see cref="TargetEventId"/> (and first, newest first, every event depending on it).</summary>
public sealed record VoidChipEvent(Guid EventId, string ChipId, Guid TargetEventId, string Reason, Actor Actor, Instant At) : IChipCommand;

public static partial class ChipDecisions
{
    /// <summary>
    /// Only the event's recorder or an agency voids it, with a reason. Every event depending on it is voided first,
    /// newest first; a recorder (not an agency) may not cascade into events recorded by others. Decided against the
    /// chip's whole history: the state alone does not know the events.
    /// </summary>
    private static Decision<IChipEvent> Void(VoidChipEvent c, ChipHistory s)
    {
        if (string.IsNullOrWhiteSpace(c.Reason)) return Error(ReasonRequired, "a void states its reason");
        if (s.Find(c.TargetEventId) is not { } target) return Error(EventNotFound, $"no event {c.TargetEventId} on chip {s.ChipId}");
        if (target is ChipEventVoided) return Error(EventNotVoidable, "a void is not itself voided");
        if (s.Voided.Contains(target.EventId)) return Error(EventAlreadyVoided, "the event is already voided");

        var dependents = s.DependentsOf(target.EventId).Select(id => s.Find(id)!).ToList();
        if (!c.Actor.IsAgency)
        {
            if (target.RecordedBy != Who(c)) return Error(VoidNotPermitted, "only the event's recorder or an agency voids it");
            if (dependents.FirstOrDefault(d => d.RecordedBy != Who(c)) is { } other)
            {
                return Error(VoidDependentsByOthers, $"{other.GetType().Name} {other.EventId}, recorded by another organisation, depends on it: an agency must void it");
            }
        }
        var order = dependents.Append(target).ToList();
        return Decision<IChipEvent>.Accept(order.Select((e, i) => (IChipEvent)new ChipEventVoided(
            i == 0 ? c.EventId : DeterministicIds.Derive(c.EventId, $"void/{i}"), s.ChipId, e.EventId, target.EventId, c.Reason, Who(c), c.At)));
    }
}
