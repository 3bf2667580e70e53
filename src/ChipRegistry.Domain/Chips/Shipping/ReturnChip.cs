using ChipRegistry.Domain.Common;
using NodaTime;
using static ChipRegistry.Domain.Chips.ChipErrors;

namespace ChipRegistry.Domain.Chips;

public sealed record ReturnChip(Guid EventId, string ChipId, string RmaNumber, string DestinationCountry, Actor Actor, Instant At) : IChipReport;

public static partial class ChipDecisions
{
    private static Decision<IChipEvent> Return(ReturnChip c, ChipState s) => Report(c, s, Who(c) == s.CustodianId, "return",
        new ReportFacts(null, c.DestinationCountry, s.ManufacturerId, $"returned under RMA {c.RmaNumber}"), () =>
        {
            if (NotInStock(s) is { } stage) return stage;
            if (s.IsPacked) return Error(ChipInAssembly, $"the chip is packed in assembly {s.AssemblyId}");
            if (Countries.Problem(c.DestinationCountry, "destinationCountry") is { } countryError) return countryError;
            return Accepted(new ChipReturned(c.EventId, s.ChipId, c.RmaNumber, s.ManufacturerId!, c.DestinationCountry, Who(c), c.At));
        });
}
