using ChipRegistry.Domain.Persistence;
using ChipRegistry.Domain.Common;

namespace ChipRegistry.Domain.Chips;

/// <summary>
/// Batch commands: one command per chip, decided against each chip's state, all or nothing. The result is one
/// list of events per chip stream, to be appended in one multi-stream transaction with a shared correlation id.
/// </summary>
public static class ChipBatch
{
    public static Decision<StreamEvents> Decide(IEnumerable<(IChipCommand Command, ChipState State)> items)
    {
        var streams = new List<StreamEvents>();
        foreach (var (command, state) in items)
        {
            var decision = ChipDecisions.Decide(command, state);
            if (!decision.IsAccepted) return Decision<StreamEvents>.Reject(decision.Error!.Code, $"chip {command.ChipId}: {decision.Error.Message}");
            streams.Add(new StreamEvents(StreamId.Chip(command.ChipId), decision.Events.Cast<IDomainEvent>().ToList()));
        }
        return Decision<StreamEvents>.Accept(streams);
    }

    /// <summary>A manufacturer registers a lot of chips in one decision (each chip's event id derived from <paramref name="eventId"/>).</summary>
    public static Decision<StreamEvents> RegisterLot(
        Guid eventId, string lotId, string modelId, string country, Actor manufacturer, NodaTime.Instant at, IEnumerable<ChipState> chips) =>
        Decide(chips.Select(c => ((IChipCommand)new RegisterChip(DeterministicIds.Derive(eventId, $"chip/{c.ChipId}"), c.ChipId, modelId, lotId, country, manufacturer, at), c)));

    /// <summary>
    /// Hold every chip of a lot that can still be held (registered, not destroyed, not already held); each chip's
    /// event id is derived from <paramref name="eventId"/>.
    /// </summary>
    public static Decision<StreamEvents> HoldLot(Guid eventId, string lotId, string reason, Actor agency, NodaTime.Instant at, IEnumerable<ChipState> chips)
    {
        var lot = chips.Where(c => c.LotId == lotId && c.Hold is null && c.Stage is not (ChipStage.Unregistered or ChipStage.Destroyed)).ToList();
        if (lot.Count == 0) return Decision<StreamEvents>.Reject(ChipErrors.LotNotFound, $"no chip of lot {lotId} can be held");
        return Decide(lot.Select(c => ((IChipCommand)new PlaceChipHold(DeterministicIds.Derive(eventId, $"chip/{c.ChipId}"), c.ChipId, reason, agency, at, lotId), c)));
    }
}

/// <summary>The batch use cases' handlers: every chip loaded in one query, decided once, appended in one transaction.</summary>
public static class ChipBatchCommands
{
    /// <summary>Many chip commands of one actor, all or nothing, in one multi-stream append (shared correlation id).</summary>
    public static Task<CommandResult> HandleBatchAsync(this CommandPipeline commands, IReadOnlyList<IChipCommand> batch, CommandMetadata? metadata = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commands);
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0) throw new ArgumentException("a batch has at least one command", nameof(batch));
        var actor = batch[0].Actor;
        if (batch.Any(c => c.Actor != actor)) throw new ArgumentException("every command of a batch has the same actor", nameof(batch));
        if (batch.Select(c => c.ChipId).Distinct(StringComparer.Ordinal).Count() != batch.Count)
        {
            return Task.FromResult(CommandResult.Rejected(new DomainError(ChipErrors.DuplicateChip, "a batch names each chip once")));
        }
        return commands.RunStreamsAsync(async () =>
        {
            var chips = await commands.Reads.LoadChipsAsync(batch.Select(c => c.ChipId), cancellationToken);
            return (ChipBatch.Decide(batch.Select(c => (c, chips[c.ChipId].State))), Loaded(chips));
        }, actor, CommandPipeline.Correlated(metadata, batch[0].EventId), cancellationToken);
    }

    /// <summary>An agency holds every holdable chip of a lot, in one multi-stream append.</summary>
    public static Task<CommandResult> HoldLotAsync(
        this CommandPipeline commands, Guid eventId, string lotId, string reason, Actor agency, NodaTime.Instant at, CommandMetadata? metadata = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commands);
        return commands.RunStreamsAsync(async () =>
        {
            var chips = await commands.Reads.LoadLotAsync(lotId, cancellationToken);
            return (ChipBatch.HoldLot(eventId, lotId, reason, agency, at, chips.Values.Select(c => c.State)), Loaded(chips));
        }, agency, CommandPipeline.Correlated(metadata, eventId), cancellationToken);
    }

    private static IReadOnlyDictionary<string, LoadedStream> Loaded(IReadOnlyDictionary<string, ChipSnapshot> chips) =>
        chips.ToDictionary(p => StreamKeys.Chip(p.Key), p => new LoadedStream(p.Value.Version, p.Value.State), StringComparer.Ordinal);
}
