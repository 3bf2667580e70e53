using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Organisations;
using NodaTime;
using static ChipRegistry.Domain.Chips.ChipErrors;

namespace ChipRegistry.Domain.Chips;

public sealed record RegisterChip(Guid EventId, string ChipId, string ModelId, string LotId, string Country, Actor Actor, Instant At) : IChipCommand;

public static partial class ChipDecisions
{
    private static Decision<IChipEvent> Register(RegisterChip c, ChipState s)
    {
        if (c.Actor.Kind != OrganisationKind.Manufacturer) return Error(NotManufacturer, "only a manufacturer registers the chips it made");
        if (s.Stage != ChipStage.Unregistered) return Error(ChipAlreadyRegistered, $"chip {s.ChipId} is already registered");
        // A serial is registered once: a voided fabrication withdraws the chip, and its stream (with the voided history)
        // stays the serial's, so a second registration is refused here as the lot path refuses an existing stream.
        if (s.Version > 0) return Error(ChipAlreadyRegistered, $"chip {s.ChipId}'s registration was voided; a serial is registered once");
        if (Serials.ProblemWithNewChipId(s.ChipId) is { } serialError) return serialError;
        if (Identifiers.ProblemWithNew(c.LotId, "lotId") is { } lotError) return lotError;
        if (string.IsNullOrWhiteSpace(c.ModelId)) return Error(InvalidChip, "a chip has a model");
        if (Countries.Problem(c.Country, "country") is { } countryError) return countryError;
        return Accepted(new ChipFabricated(c.EventId, s.ChipId, c.ModelId, Who(c), c.LotId, c.Country, Who(c), c.At));
    }
}
