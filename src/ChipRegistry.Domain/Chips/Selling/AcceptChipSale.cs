using ChipRegistry.Domain.Common;
using NodaTime;
using static ChipRegistry.Domain.Chips.ChipErrors;

namespace ChipRegistry.Domain.Chips;

public sealed record AcceptChipSale(Guid EventId, string ChipId, Actor Actor, Instant At) : IChipCommand;

public static partial class ChipDecisions
{
    private static Decision<IChipEvent> Accept(AcceptChipSale c, ChipState s)
    {
        if (s.Stage == ChipStage.Unregistered) return Error(ChipNotRegistered, $"chip {s.ChipId} is not registered");
        if (s.Offer is null) return Error(NoOpenOffer, "no sale of this chip is offered");
        if (Who(c) != s.Offer.BuyerId) return Error(NotNamedBuyer, "only the buyer named in the offer accepts it");
        if (Terminal(s) is { } terminal) return terminal;
        if (s.Stage == ChipStage.Decommissioned) return Error(ChipErrors.ChipDecommissioned, "a decommissioned chip is not sold");
        if (Frozen(s) is { } frozen) return frozen;
        return Accepted(new ChipSaleAccepted(c.EventId, s.ChipId, s.Offer.EventId, s.Offer.SellerId, Who(c), Who(c), c.At));
    }
}
