using ChipRegistry.Domain.Common;
using NodaTime;
using static ChipRegistry.Domain.Chips.ChipErrors;

namespace ChipRegistry.Domain.Chips;

public sealed record OfferChipSale(Guid EventId, string ChipId, string BuyerId, Actor Actor, Instant At) : IChipCommand;

public static partial class ChipDecisions
{
    private static Decision<IChipEvent> Offer(OfferChipSale c, ChipState s)
    {
        if (s.Stage == ChipStage.Unregistered) return Error(ChipNotRegistered, $"chip {s.ChipId} is not registered");
        if (Who(c) != s.OwnerId) return Error(NotOwner, "only the owner offers a chip for sale");
        if (Terminal(s) is { } terminal) return terminal;
        if (s.Stage == ChipStage.Decommissioned) return Error(ChipErrors.ChipDecommissioned, "a decommissioned chip is not sold");
        if (Frozen(s) is { } frozen) return frozen;
        if (s.Offer is not null) return Error(SaleAlreadyOffered, "an offer of this chip is open");
        if (string.IsNullOrWhiteSpace(c.BuyerId) || c.BuyerId == s.OwnerId) return Error(InvalidBuyer, "the buyer is another organisation");
        return Accepted(new ChipSaleOffered(c.EventId, s.ChipId, Who(c), c.BuyerId, Who(c), c.At));
    }
}
