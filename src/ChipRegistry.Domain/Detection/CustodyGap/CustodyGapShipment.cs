using System.Globalization;
using NodaTime;
using NodaTime.Text;

namespace ChipRegistry.Domain.Detection.CustodyGap;

/// <summary>
/// One shipment of a chip as rule 1 sees it: who shipped it from which country to whom and where, when (business
/// time), and the first receipt of it by anyone (the named consignee's, or an observation of a receipt by another
/// party, which is rule 2's business but still ends the custody gap). A voided shipment is kept, marked, so the group's
/// first evidence (and with it the flag's id) does not depend on whether a void was applied before or after it.
/// </summary>
public sealed record CustodyGapShipment(
    string ChipId,
    long SeqId,
    string ShipperId,
    string? OriginCountry,
    string ConsigneeId,
    string DestinationCountry,
    Instant ShippedAt,
    Instant? ReceivedAt,
    long? ReceiptSeqId,
    bool Voided)
{
    /// <summary>International when the chip leaves the country it was in (or its country is unknown).</summary>
    public bool International => OriginCountry != DestinationCountry;

    /// <summary>
    /// One shipping act: same shipper, origin, consignee, destination and business instant. A lot of 412 chips
    /// shipped together is one group, so one flag explained with its count.
    /// </summary>
    public string GroupKey => string.Join('|', ShipperId, OriginCountry ?? "", ConsigneeId, DestinationCountry,
        InstantPattern.ExtendedIso.Format(ShippedAt));
}

internal static class Invariant
{
    public static string Day(Instant at) => at.InUtc().Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Number(decimal value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
