using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using FsCheck.Xunit;

namespace ChipRegistry.Domain.Tests.Chips;

/// <summary>
/// Pure property (the PostgreSQL version comes with the event store): for generated command sequences, including
/// rejected commands, observations, holds and voids of random events, rejected commands produce nothing and the
/// incrementally evolved state equals a fresh fold of the non-voided events.
/// </summary>
public class ChipFoldPropertyTests
{
    private static readonly Type[] CommandTypes = typeof(IChipCommand).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IChipCommand).IsAssignableFrom(t)).OrderBy(t => t.Name).ToArray();

    private static readonly Actor?[] Voices = [null, null, ChipWorld.Stranger, ChipWorld.Bis, ChipWorld.Mfr, ChipWorld.Op, ChipWorld.Buyer];

    private static IChipCommand CommandFor(int step, ChipHistory state)
    {
        var n = Math.Abs(step);
        var type = CommandTypes[n % CommandTypes.Length];
        var voice = Voices[n / CommandTypes.Length % Voices.Length];
        if (type == typeof(VoidChipEvent) && state.Events.Count > 0)
        {
            var target = state.Events[n / 7 % state.Events.Count];
            return new VoidChipEvent(ChipWorld.Id(), state.ChipId, target.EventId, "generated", voice ?? ChipWorld.ActorFor(target.RecordedBy), ChipWorld.Next());
        }
        return ChipWorld.Canonical(type, state, voice);
    }

    private static bool Holds(int[] steps)
    {
        var state = ChipWorld.InStockHistory();
        foreach (var step in steps)
        {
            var decision = ChipDecisions.Decide(CommandFor(step, state), state);
            if (!decision.IsAccepted && decision.Events.Count > 0) return false;
            if (decision.IsAccepted && decision.Events.Count == 0) return false;
            if (decision.Events.Any(e => !DomainEventNames.ByType.ContainsKey(e.GetType()))) return false;

            var voidedBefore = state.Voided;
            state = decision.Events.Aggregate(state, (h, e) => h.Evolve(e));
            if (!voidedBefore.IsSubsetOf(state.Voided)) return false;

            var fresh = ChipState.Fold(state.ChipId, state.Effective) with { Version = state.Events.Count };
            if (!fresh.Equals(state.State)) return false;
        }
        return true;
    }

    [Property(MaxTest = 300)]
    public bool rejected_commands_produce_nothing_and_state_equals_a_fresh_fold_of_non_voided_events(int[] steps) => Holds(steps);

    [Fact]
    public void a_known_sequence_with_sale_void_and_hold_holds()
    {
        // offer, accept, void the acceptance (by the buyer), hold, stranger install, release: all in one run.
        var state = ChipWorld.InStockHistory().Then(new OfferChipSale(ChipWorld.Id(), ChipWorld.ChipId, "buyer", ChipWorld.Mfr, ChipWorld.Next()));
        state = state.Then(new AcceptChipSale(ChipWorld.Id(), ChipWorld.ChipId, ChipWorld.Buyer, ChipWorld.Next()));
        state = state.Then(new VoidChipEvent(ChipWorld.Id(), ChipWorld.ChipId, state.Events[^1].EventId, "mistake", ChipWorld.Buyer, ChipWorld.Next()));
        state = state.Then(new PlaceChipHold(ChipWorld.Id(), ChipWorld.ChipId, "check", ChipWorld.Bis, ChipWorld.Next()));
        state = state.Then(new InstallChip(ChipWorld.Id(), ChipWorld.ChipId, ChipWorld.FacilityOf("stranger"), "c1", "r", ChipWorld.Stranger, ChipWorld.Next()));
        state = state.Then(new ReleaseChipHold(ChipWorld.Id(), ChipWorld.ChipId, "ok", ChipWorld.Bis, ChipWorld.Next()));

        Assert.Equal("mfr", state.State.OwnerId);
        Assert.Equal("buyer", state.State.Offer?.BuyerId);
        Assert.Equal(1, state.State.ConflictingObservations);
        Assert.Null(state.State.Hold);
        Assert.Equal(ChipState.Fold(state.ChipId, state.Effective) with { Version = state.Events.Count }, state.State);
    }
}
