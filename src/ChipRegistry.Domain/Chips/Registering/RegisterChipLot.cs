using ChipRegistry.Domain.Common;
using NodaTime;

namespace ChipRegistry.Domain.Chips;

/// <summary>
/// A manufacturer registers a lot of new chips (up to <see cref="RegisterChipLot.MaxChips"/>), each decided as a
/// <see cref="RegisterChip"/> against an unregistered state, with its event id derived from <see cref="EventId"/>.
/// The serials arrive as a stream (the bulk path never holds them all); a serial that already has a stream rejects
/// the whole lot.
/// </summary>
public sealed record RegisterChipLot(Guid EventId, string LotId, string ModelId, string Country, Actor Actor, Instant At)
{
    public const int MaxChips = 100_000;

    public const string LotTooLarge = "lot_too_large";
    public const string LotEmpty = "lot_empty";
    public const string DuplicateSerial = "duplicate_serial";

    public static IReadOnlyDictionary<string, ErrorKind> ErrorKinds { get; } = new Dictionary<string, ErrorKind>(StringComparer.Ordinal)
    {
        [LotTooLarge] = ErrorKind.Invalid,
        [LotEmpty] = ErrorKind.Invalid,
        [DuplicateSerial] = ErrorKind.Invalid,
    };

    /// <summary>The fabrication of one chip of the lot: the same decision as registering it alone.</summary>
    public Decision<IChipEvent> DecideChip(string chipId) =>
        ChipDecisions.Decide(new RegisterChip(DeterministicIds.Derive(EventId, $"chip/{chipId}"), chipId, ModelId, LotId, Country, Actor, At), ChipState.Initial(chipId));
}
