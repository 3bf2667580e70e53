namespace ChipRegistry.Domain.Persistence;

/// <summary>
/// A search over <c>chip_state</c>: every filter given must match (null: any). <see cref="Stage"/> is the stored
/// snake_case stage (<c>in_stock</c>); <see cref="Flagged"/> true finds chips held, declared illegitimate or with
/// conflicting observations. <see cref="PartyId"/> keeps only chips that organisation is a party to now (owner,
/// custodian, buyer named in the open offer, consignee of the open shipment, operator of the installing facility).
/// <see cref="LicenceCheck"/> keeps chips with a shipment, not voided, whose stored licence check failed with that
/// result (<c>missing</c>, ...), as rule 16's projection has reached.
/// Results come in chip id order, a page at a time after <see cref="AfterChipId"/>.
/// </summary>
public sealed record ChipSearch
{
    public const int MaxLimit = 1000;

    public string? OwnerId { get; init; }
    public string? CustodianId { get; init; }
    public string? FacilityId { get; init; }
    public string? ModelId { get; init; }
    public string? Stage { get; init; }
    public string? Country { get; init; }
    public string? LotId { get; init; }
    public bool? Flagged { get; init; }
    public string? LicenceCheck { get; init; }
    public string? PartyId { get; init; }
    public string? AfterChipId { get; init; }
    public int Limit { get; init; } = 100;
}

/// <summary>One page of a search; <see cref="NextAfterChipId"/> continues it (null: nothing more matches).</summary>
public sealed record ChipSearchPage(IReadOnlyList<ChipStateRow> Rows, string? NextAfterChipId);
