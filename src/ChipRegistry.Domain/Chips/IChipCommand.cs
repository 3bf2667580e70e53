using ChipRegistry.Domain.Common;
using NodaTime;

namespace ChipRegistry.Domain.Chips;

/// <summary>
/// A command on one chip. <see cref="EventId"/> is the id of the (first) event it produces, chosen by the caller;
/// the clock (<see cref="At"/>) and the acting organisation come with it.
/// </summary>
public interface IChipCommand
{
    Guid EventId { get; }

    string ChipId { get; }

    Actor Actor { get; }

    Instant At { get; }
}

/// <summary>
/// A report of a physical fact about the chip. From its rightful party (custodian, named consignee, facility operator)
/// it is checked by the lifecycle; from anyone else, or after destruction or loss, it is appended as an observation.
/// </summary>
public interface IChipReport : IChipCommand;
