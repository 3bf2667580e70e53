using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Detection.Thresholds;
using ChipRegistry.Domain.Projections.Placements;
using NodaTime;
using NodaTime.Text;

namespace ChipRegistry.Domain.Detection.TransshipmentHop;

/// <summary>
/// A chip shipped out of a watch-list hub to another country within <see cref="WindowDays"/> of its arrival there (the
/// receipt in the hub): the hubs and the window are the thresholds in force at the arrival. Voided when the shipment or
/// the arrival is (kept, marked, so the group's first evidence never moves).
/// </summary>
public sealed record HubReexport(
    string ChipId, long SeqId, long ArrivalSeqId, string ShipperId, string HubCountry, Instant ArrivedAt, string DestinationCountry, string ConsigneeId,
    Instant ShippedAt, decimal WindowDays, bool Voided) : IVoidableFact
{
    /// <summary>One re-export act: same shipper, hub, consignee, destination and business instant.</summary>
    public string GroupKey => string.Join('|', ShipperId, HubCountry, ConsigneeId, DestinationCountry, InstantPattern.ExtendedIso.Format(ShippedAt));

    public decimal DaysAfterArrival => (decimal)(ShippedAt - ArrivedAt).TotalDays;

    /// <summary>
    /// The chip's quick re-exports from hubs, from its stream in business-time order (sequence order among equal times).
    /// A shipment follows the chip's latest receipt; a voided receipt still governs the shipment after it, which counts as
    /// voided with it, so the group is the same whether the void came before or after.
    /// </summary>
    public static IReadOnlyList<HubReexport> Of(string chipId, IReadOnlyList<SequencedChipEvent> stream, ThresholdCalendar thresholds)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(thresholds);
        var history = ChipHistory.Fold(chipId, stream.Select(e => e.Event));
        var reexports = new List<HubReexport>();
        (long SeqId, ChipReceived Receipt, bool Voided)? arrival = null;
        foreach (var (seqId, e) in stream.Where(e => e.Event is not ChipEventVoided).OrderBy(e => e.Event.OccurredAt).ThenBy(e => e.SeqId)
                     .Select(x => (x.SeqId, x.Event)))
        {
            var voided = history.Voided.Contains(e.EventId);
            switch (e)
            {
                case ChipReceived received:
                    arrival = (seqId, received, voided);
                    break;
                case ChipShipped shipped when arrival is ({ } arrivalSeqId, { } receipt, var arrivalVoided)
                                             && shipped.DestinationCountry != receipt.Country
                                             && thresholds.CountriesAt(DetectionThresholds.TransshipmentHubs, receipt.OccurredAt).Contains(receipt.Country):
                    var days = thresholds.NumberAt(DetectionThresholds.TransshipmentDays, receipt.OccurredAt);
                    if (shipped.OccurredAt - receipt.OccurredAt <= Duration.FromSeconds((long)decimal.Round(days * 86_400m)))
                    {
                        reexports.Add(new HubReexport(chipId, seqId, arrivalSeqId, shipped.RecordedBy, receipt.Country, receipt.OccurredAt,
                            shipped.DestinationCountry, shipped.ConsigneeId, shipped.OccurredAt, days, voided || arrivalVoided));
                    }
                    arrival = null;
                    break;
                case ChipShipped or ChipReturned when !voided:
                    arrival = null;
                    break;
            }
        }
        return reexports;
    }
}
