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
