using ChipRegistry.Domain.Common;
using NodaTime.Text;
using static ChipRegistry.Domain.Chips.ChipErrors;

namespace ChipRegistry.Domain.Chips;

/// <summary>
/// The chip lifecycle: <c>Decide(command, state) -> events | DomainError</c>. Pure: the clock, the new event id,
/// the acting organisation and every outside fact (facility, model spec, licence) arrive with the command.
/// </summary>
public static partial class ChipDecisions
{
    private sealed record ReportFacts(string? FacilityId, string? Country, string? CounterpartyId, string Details);

    private static DomainError Error(string code, string message) => new(code, message);

    /// <summary>
    /// Decides against the chip's whole history: a void needs its events; every other command decides against
    /// <see cref="ChipHistory.State"/> exactly as <see cref="Decide(IChipCommand, ChipState)"/> does.
    /// </summary>
    public static Decision<IChipEvent> Decide(IChipCommand command, ChipHistory history)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(history);
        if (command.ChipId != history.ChipId) throw new ArgumentException($"command for {command.ChipId} decided against {history.ChipId}", nameof(command));
        if (command is not VoidChipEvent) return Decide(command, history.State);
        var (checkedCommand, textError) = WithCheckedTexts(command);
        if (textError is not null) return textError;
        return Void((VoidChipEvent)checkedCommand, history);
    }

    /// <summary>Decides every command but a void (which needs the history: <see cref="Decide(IChipCommand, ChipHistory)"/>).</summary>
    public static Decision<IChipEvent> Decide(IChipCommand command, ChipState state)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(state);
        if (command.ChipId != state.ChipId) throw new ArgumentException($"command for {command.ChipId} decided against {state.ChipId}", nameof(command));
        var (checkedCommand, textError) = WithCheckedTexts(command);
        if (textError is not null) return textError;
        var decision = checkedCommand switch
        {
            RegisterChip c => Register(c, state),
            OfferChipSale c => Offer(c, state),
            AcceptChipSale c => Accept(c, state),
            ShipChip c => Ship(c, state),
            ReceiveChip c => Receive(c, state),
            InstallChip c => Install(c, state),
            AssignChipTenant c => AssignTenant(c, state),
            AttestChipLocation c => Attest(c, state),
            RemoveChip c => Remove(c, state),
            ReturnChip c => Return(c, state),
            DecommissionChip c => Decommission(c, state),
            DestroyChip c => Destroy(c, state),
            ReportChipMissing c => ReportMissing(c, state),
            PackChip c => Pack(c, state),
            UnpackChip c => Unpack(c, state),
            ReportChipObservation c => Observation(c, state),
            PlaceChipHold c => PlaceHold(c, state),
            ReleaseChipHold c => ReleaseHold(c, state),
            DeclareChipIllegitimate c => DeclareIllegitimate(c, state),
            VoidChipEvent => throw new ArgumentException("a void is decided against the chip's history", nameof(command)),
            _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "no decision for this command"),
        };
        return InBusinessOrder(decision, state);
    }

    /// <summary>
    /// An act (anything the lifecycle accepts: a custodian's, an owner's, a named buyer's or consignee's, an operator's, an
    /// agency's hold) dated before the chip's latest accepted act is refused: the state it was judged against is a later
    /// state than the one the chip was in at that time, and folding it in stream order would make business time run
    /// backwards. Observations are never refused: <see cref="Observe"/> keeps their stated time and marks them.
    /// </summary>
    private static Decision<IChipEvent> InBusinessOrder(Decision<IChipEvent> decision, ChipState s)
    {
        if (!decision.IsAccepted || s.LastActAt is not { } last) return decision;
        if (decision.Events.FirstOrDefault(e => e is not ChipObserved && e.OccurredAt < last) is not { } early) return decision;
        return Error(OccurredOutOfOrder,
            $"occurredAt {InstantPattern.ExtendedIso.Format(early.OccurredAt)} precedes the chip's latest recorded act, at {InstantPattern.ExtendedIso.Format(last)}: an act is dated at or after it");
    }

    private static string Who(IChipCommand c) => c.Actor.OrganisationId;

    private static Decision<IChipEvent> Accepted(params IChipEvent[] events) => Decision<IChipEvent>.Accept(events);

    private static DomainError? Terminal(ChipState s) => s.Stage switch
    {
        ChipStage.Destroyed => Error(ChipErrors.ChipDestroyed, "the chip was destroyed"),
        ChipStage.Missing => Error(ChipMissing, $"the chip is reported {s.Missing?.ToString().ToLowerInvariant()}"),
        _ => null,
    };

    private static DomainError? Frozen(ChipState s, bool allowedWhenIllegitimate = false, bool allowedWhenHeld = false)
    {
        if (s.Illegitimacy is not null && !allowedWhenIllegitimate) return Error(ChipIllegitimate, $"declared illegitimate: {s.Illegitimacy.Reason}");
        if (s.Hold is not null && !allowedWhenHeld) return Error(ChipOnHold, $"the chip is on hold: {s.Hold.Reason}");
        return null;
    }

    private static Decision<IChipEvent> Report(
        IChipReport c, ChipState s, bool rightful, string kind, ReportFacts facts, Func<Decision<IChipEvent>> proceed,
        bool allowedWhenHeld = false, bool allowedWhenIllegitimate = false)
    {
        if (s.Stage == ChipStage.Unregistered) return Observe(c, s, kind, ConflictCodes.UnregisteredChip, facts);
        if (!rightful) return Observe(c, s, kind, ConflictCodes.NotCustodian, facts);
        if (s.Stage == ChipStage.Destroyed) return Observe(c, s, kind, ConflictCodes.ChipDestroyed, facts);
        if (s.Stage == ChipStage.Missing) return Observe(c, s, kind, ConflictCodes.ChipMissing, facts);
        if (Frozen(s, allowedWhenIllegitimate, allowedWhenHeld) is { } frozen) return frozen;
        return proceed();
    }

    /// <summary>A report kept as evidence at the time it states, marked when that time precedes the chip's latest accepted act.</summary>
    private static Decision<IChipEvent> Observe(IChipCommand c, ChipState s, string kind, string conflict, ReportFacts facts) =>
        Accepted(new ChipObserved(c.EventId, s.ChipId, kind, conflict != ConflictCodes.None, conflict, facts.FacilityId, facts.Country,
            facts.CounterpartyId, facts.Details, Who(c), c.At, OutOfOrder: s.LastActAt is { } last && c.At < last));

    private static DomainError? NotInStock(ChipState s, string alreadyCode = ChipErrors.ChipDecommissioned) => s.Stage switch
    {
        ChipStage.InTransit => Error(ChipInTransit, "the chip is in transit"),
        ChipStage.Installed => Error(ChipErrors.ChipInstalled, "the chip is installed; remove it first"),
        ChipStage.Decommissioned => Error(alreadyCode, "the chip is decommissioned"),
        _ => null,
    };

    private static DomainError? AssemblyMismatch(ChipState s, string? via) =>
        via == s.AssemblyId ? null
        : s.IsPacked ? Error(ChipInAssembly, $"the chip is packed in assembly {s.AssemblyId}; act on the assembly or unpack it")
        : Error(ChipNotInAssembly, $"the chip is not packed in assembly {via}");

    private static DomainError? AgencyGuard(IChipCommand c, ChipState s, string reason)
    {
        if (!c.Actor.IsAgency) return Error(NotAgency, "only an agency holds, releases or declares chips");
        if (s.Stage == ChipStage.Unregistered) return Error(ChipNotRegistered, $"chip {s.ChipId} is not registered");
        if (string.IsNullOrWhiteSpace(reason)) return Error(ReasonRequired, "state the reason");
        return null;
    }
}
