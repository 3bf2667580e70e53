using ChipRegistry.Domain.Common;

namespace ChipRegistry.Domain.Chips;

/// <summary>What of a chip's stream one organisation may read.</summary>
/// <param name="Events">The events it may read, in stream order.</param>
/// <param name="State">The chip as that organisation last saw it: now, if it is still a party; otherwise
/// as it stood right after the last event it may read.</param>
/// <param name="IsParty">Whether it is a party to the chip now.</param>
public sealed record ChipView(IReadOnlyList<IChipEvent> Events, ChipState State, bool IsParty)
{
    public bool IsVisible => Events.Count > 0;
}

/// <summary>
/// Organisations read chips only for the period they held them (design.md, "Security model"). A party to a
/// chip is its owner, its physical custodian, the buyer named in its open offer, the consignee of its open
/// shipment, or the operator of the facility it is installed in; an event is visible to an organisation that
/// was a party just before it or just after it, so a holder sees the event that gave it the chip and the one
/// that took it away, and nothing between two holding periods.
/// </summary>
public static class ChipVisibility
{
    public static IEnumerable<string> PartiesOf(ChipState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.OwnerId is { } owner) yield return owner;
        if (state.CustodianId is { } custodian) yield return custodian;
        if (state.Offer is { } offer) yield return offer.BuyerId;
        if (state.Shipment is { } shipment) yield return shipment.ConsigneeId;
        if (state.Installation is { } installation) yield return installation.OperatorId;
    }

    public static bool IsParty(ChipState state, string organisationId) =>
        PartiesOf(state).Contains(organisationId, StringComparer.Ordinal);

    /// <summary>Everything, for agencies and the registry.</summary>
    public static ChipView Everything(ChipHistory history)
    {
        ArgumentNullException.ThrowIfNull(history);
        return new ChipView(history.Events, history.State, true);
    }

    /// <summary>
    /// The organisations that became a party with the step from <paramref name="before"/> to <paramref name="after"/>,
    /// and those that stopped being one: what the party-period table records, so that visibility is decided without
    /// replaying the stream.
    /// </summary>
    public static (IReadOnlyList<string> Joined, IReadOnlyList<string> Left) PartyChanges(ChipState before, ChipState after)
    {
        var was = PartiesOf(before).ToHashSet(StringComparer.Ordinal);
        var now = PartiesOf(after).ToHashSet(StringComparer.Ordinal);
        return ([.. now.Where(o => !was.Contains(o)).Order(StringComparer.Ordinal)], [.. was.Where(o => !now.Contains(o)).Order(StringComparer.Ordinal)]);
    }

    /// <summary>Replays the stream (voids included, as the store holds it) and keeps what the organisation may read.</summary>
    public static ChipView For(string chipId, IReadOnlyList<IChipEvent> stream, Actor reader)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(reader);
        if (reader.IsAgency || reader.Kind == Organisations.OrganisationKind.Registry)
        {
            return Everything(ChipHistory.Fold(chipId, stream));
        }
        var visible = new List<IChipEvent>();
        var history = ChipHistory.Initial(chipId);
        var lastSeen = history.State;
        foreach (var e in stream)
        {
            var before = IsParty(history.State, reader.OrganisationId);
            history = history.Evolve(e);
            if (before || IsParty(history.State, reader.OrganisationId))
            {
                visible.Add(e);
                lastSeen = history.State;
            }
        }
        var partyNow = IsParty(history.State, reader.OrganisationId);
        return new ChipView(visible, partyNow ? history.State : lastSeen, partyNow);
    }
}
