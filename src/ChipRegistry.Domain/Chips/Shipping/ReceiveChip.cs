using ChipRegistry.Domain.Common;
using NodaTime;
using static ChipRegistry.Domain.Chips.ChipErrors;

namespace ChipRegistry.Domain.Chips;

/// <summary><see cref="Country"/> is where the receiver says it received the chip.</summary>
public sealed record ReceiveChip(Guid EventId, string ChipId, string Country, Actor Actor, Instant At, string? ViaAssembly = null) : IChipReport;

public static partial class ChipDecisions
{
    private static Decision<IChipEvent> Receive(ReceiveChip c, ChipState s) => Report(c, s, Who(c) == (s.Shipment?.ConsigneeId ?? s.CustodianId), "receipt",
        new ReportFacts(null, c.Country, s.Shipment?.ConsigneeId, $"received by {Who(c)} in {c.Country}"), () =>
        {
            if (s.Stage != ChipStage.InTransit || s.Shipment is null) return Error(ChipNotInTransit, "the chip is not in transit");
            if (AssemblyMismatch(s, c.ViaAssembly) is { } packed) return packed;
            if (Countries.Problem(c.Country, "country") is { } countryError) return countryError;
            return Accepted(new ChipReceived(c.EventId, s.ChipId, s.Shipment.EventId, c.Country, c.ViaAssembly, Who(c), c.At,
                OtherCountry: c.Country != s.Shipment.DestinationCountry));
        });
}
