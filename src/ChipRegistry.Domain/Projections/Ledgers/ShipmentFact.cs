using NodaTime;

namespace ChipRegistry.Domain.Projections.Ledgers;

/// <summary>
/// One shipment of a chip as it stands after voids and late reports: what was shipped (<see cref="ModelId"/>), when
/// (<see cref="ShippedAt"/>, business time), from whom (<see cref="ExporterId"/>, the custodian that shipped it, and
/// its <see cref="OriginCountry"/>) to whom and where, and whether the named consignee received it. An RMA return to
/// the manufacturer is kept as <see cref="ShipmentKinds.RmaReturn"/>. TPP and the consignee's ultimate parent are not
/// stored: the ledgers resolve them at query time from the reference interval tables, as they stood on the shipment date.
/// </summary>
public sealed record ShipmentFact(
    string ChipId,
    int Ordinal,
    long SeqId,
    string Kind,
    Instant ShippedAt,
    string? ModelId,
    string? ExporterId,
    string? OriginCountry,
    string DestinationCountry,
    string ConsigneeId,
    Instant? ReceivedAt,
    string? ReceiptCountry);

public static class ShipmentKinds
{
    public const string Shipment = "shipment";
    public const string RmaReturn = "rma_return";
}
