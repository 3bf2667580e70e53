using System.Runtime.CompilerServices;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.EventStore;
using ChipRegistry.Domain.Common;
using NodaTime;

namespace ChipRegistry.Domain.Chips;

/// <summary>
/// A manufacturer registers a lot of new chips (up to <see cref="RegisterChipLot.MaxChips"/>), each decided as a
/// <see cref="RegisterChip"/> against an unregistered state, with its event id derived from <see cref="EventId"/>.
/// The serials arrive as a stream (the bulk path never holds them all); a serial that already has a stream, in any
/// case (<see cref="Serials"/>), rejects the whole lot.
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

/// <summary>
/// Registering a lot through the bulk COPY path, streaming the chip ids (e.g. from a request body). Every chip is
/// decided as it streams past; a rejected chip, a repeated id or more than <see cref="RegisterChipLot.MaxChips"/>
/// aborts the whole lot; chips that already have a stream reject the lot whole, named in
/// <see cref="CommandResult.ConflictingStreams"/>.
/// </summary>
public static class RegisterChipLotCommand
{
    /// <summary>
    /// Registers a lot through the bulk COPY path, streaming the chip ids (e.g. from a request body). Every chip is
    /// decided as it streams past; a rejected chip, a repeated id or more than <see cref="RegisterChipLot.MaxChips"/>
    /// aborts the whole lot; chips that already have a stream reject the lot whole, named in
    /// <see cref="CommandResult.ConflictingStreams"/>.
    /// </summary>
    public static async Task<CommandResult> RegisterLotAsync(this CommandPipeline commands, RegisterChipLot lot, IAsyncEnumerable<string> chipIds, CommandMetadata? metadata = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commands);
        ArgumentNullException.ThrowIfNull(lot);
        ArgumentNullException.ThrowIfNull(chipIds);
        var refusal = new LotRefusal();
        try
        {
            var result = await commands.Store.StartStreamsAsync(StreamKeys.ChipType, Streams(commands.Reads, lot, chipIds, refusal, cancellationToken),
                CommandPipeline.Correlated(metadata, lot.EventId).For(lot.Actor), cancellationToken);
            return new CommandResult(null, [], null, result);
        }
        catch (LotRefusedException) when (refusal.Error is not null)
        {
            return CommandResult.Rejected(refusal.Error) with { ConflictingStreams = refusal.Conflicting };
        }
        catch (StreamVersionConflictException conflict)
        {
            var existing = conflict.Conflicts.Select(c => c.StreamKey).Order(StringComparer.Ordinal).ToList();
            var shown = string.Join(", ", existing.Take(20)) + (existing.Count > 20 ? $" and {existing.Count - 20} more" : "");
            return CommandResult.Rejected(new DomainError(ChipErrors.ChipAlreadyRegistered, $"{existing.Count} chip(s) of the lot already exist: {shown}"))
                with { ConflictingStreams = existing };
        }
    }

    /// <inheritdoc cref="RegisterLotAsync(CommandPipeline, RegisterChipLot, IAsyncEnumerable{string}, CommandMetadata?, CancellationToken)"/>
    public static Task<CommandResult> RegisterLotAsync(this CommandPipeline commands, RegisterChipLot lot, IEnumerable<string> chipIds, CommandMetadata? metadata = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chipIds);
        return commands.RegisterLotAsync(lot, chipIds.ToAsyncEnumerable(), metadata, cancellationToken);
    }

    private sealed class LotRefusal
    {
        public DomainError? Error { get; set; }

        public IReadOnlyList<string> Conflicting { get; set; } = [];
    }

    private sealed class LotRefusedException : Exception
    {
        public LotRefusedException()
        {
        }

        public LotRefusedException(string message)
            : base(message)
        {
        }

        public LotRefusedException(string message, Exception innerException)
            : base(message, innerException)
        {
        }
    }

    private static async IAsyncEnumerable<NewStream> Streams(
        RegistryReads reads, RegisterChipLot lot, IAsyncEnumerable<string> chipIds, LotRefusal refusal, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var count = 0;
        // Case-insensitive: two serials of one manufacturer that differ only in case are one chip.
        var seen = new HashSet<string>(Serials.ChipIdComparer);
        await foreach (var chipId in chipIds.WithCancellation(cancellationToken))
        {
            DomainError? error = null;
            Decision<IChipEvent>? decision = null;
            if (++count > RegisterChipLot.MaxChips) error = new DomainError(RegisterChipLot.LotTooLarge, $"a lot registers at most {RegisterChipLot.MaxChips:N0} chips");
            else if (string.IsNullOrWhiteSpace(chipId) || chipId.Contains('/', StringComparison.Ordinal)) error = new DomainError(ChipErrors.InvalidChip, $"'{chipId}' is not a chip id");
            else if (!seen.Add(chipId)) error = new DomainError(RegisterChipLot.DuplicateSerial, $"chip {chipId} is named twice");
            else if ((decision = lot.DecideChip(chipId)) is { IsAccepted: false }) error = decision.Error;
            if (error is not null)
            {
                refusal.Error = error;
                throw new LotRefusedException(error.ToString());
            }
            yield return new NewStream(chipId, CommandPipeline.New(decision!.Events));
        }
        if (count == 0)
        {
            refusal.Error = new DomainError(RegisterChipLot.LotEmpty, "a lot registers at least one chip");
            throw new LotRefusedException(refusal.Error.ToString());
        }
        // Chips registered under a serial of another case: one query for the whole lot, before the append commits (an
        // exact repeat is the store's own stream conflict). Two lots racing with twins of one serial are not caught here.
        var twins = (await reads.FindChipsInAnyCaseAsync([.. seen], cancellationToken))
            .Where(registered => seen.TryGetValue(registered, out var named) && named != registered).Order(StringComparer.Ordinal).ToList();
        if (twins.Count > 0)
        {
            var shown = string.Join(", ", twins.Take(20)) + (twins.Count > 20 ? $" and {twins.Count - 20} more" : "");
            refusal.Error = new DomainError(ChipErrors.ChipAlreadyRegistered, $"{twins.Count} chip(s) of the lot are already registered with their serial in another case: {shown}");
            refusal.Conflicting = twins;
            throw new LotRefusedException(refusal.Error.ToString());
        }
    }
}
