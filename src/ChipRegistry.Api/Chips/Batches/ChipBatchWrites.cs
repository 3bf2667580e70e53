using ChipRegistry.Api.Chips.Lifecycle;
using ChipRegistry.Api.Problems;
using ChipRegistry.Domain;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Persistence;

namespace ChipRegistry.Api.Chips.Batches;

/// <summary>One item of a batch act: the chip it acts on, and whatever else the act needs.</summary>
public interface IChipBatchItem
{
    string ChipId { get; }
}

/// <summary>
/// What a batch appended: per chip, in request order, its new version (the sequence of its stream, its <c>ETag</c>)
/// and the events, with the correlation id every event of the batch carries.
/// </summary>
public sealed record ChipBatchRecorded(int ChipCount, Guid CorrelationId, IReadOnlyList<ChipEventsRecorded> Chips);

/// <summary>
/// A lifecycle act on many chips of one caller, all or nothing, with the same checks per chip and in the same order as
/// <see cref="ChipWrites"/>: a chip the caller may not see is 404 <c>chip_not_found</c> (an unknown serial answers
/// alike); the caller must be the present party the act needs (409 with the act's relation code); the command is
/// decided against the chip's state (a rejection is its domain code); a report the domain would only keep as an
/// observation is refused with 409. The first chip that fails fails the batch, its position and the chip id as sent
/// in the detail, and nothing is appended. Every chip is loaded with the caller's relation in one statement and every
/// stream appended in one transaction, under one correlation id and the request's Idempotency-Key; a version conflict
/// reruns the whole batch (up to three times).
/// </summary>
public sealed class ChipBatchWrites(RegistryReads reads, CommandPipeline commands)
{
    public const string EmptyBatch = "empty_batch";

    public RegistryReads Reads => reads;

    /// <summary>
    /// Runs <paramref name="build"/>'s command for every item. <paramref name="build"/> gets the item's position, the item
    /// and the chip's state, and may throw an <see cref="ApiProblemException"/>, which fails the batch at that position.
    /// </summary>
    public async Task<ChipBatchRecorded> ExecuteAsync<TItem>(
        Actor actor, ChipAct act, IReadOnlyList<TItem> items, Func<int, TItem, ChipState, Task<IChipCommand>> build, CommandMetadata? metadata,
        CancellationToken cancellationToken)
        where TItem : IChipBatchItem
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(act);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(build);
        if (items.Count == 0)
        {
            throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, EmptyBatch, "A batch names at least one chip.", "$.items is empty.");
        }
        CheckNames(items);
        var correlationId = Guid.CreateVersion7();
        var events = new IReadOnlyList<IChipEvent>[items.Count];
        var result = await commands.RunStreamsAsync(async () =>
        {
            var loaded = await reads.LoadChipsForAsync(items.Select(i => i.ChipId), actor, cancellationToken);
            var streams = new List<StreamEvents>(items.Count);
            for (var index = 0; index < items.Count; index++)
            {
                var item = items[index];
                var (state, relation) = loaded[item.ChipId];
                events[index] = await DecideAsync(index, item, state, relation, actor, act, build);
                streams.Add(new StreamEvents(StreamId.Chip(item.ChipId), [.. events[index].Cast<IDomainEvent>()]));
            }
            var chips = items.ToDictionary(i => StreamKeys.Chip(i.ChipId), i => new LoadedStream(loaded[i.ChipId].State.Version, loaded[i.ChipId].State), StringComparer.Ordinal);
            return (Decision<StreamEvents>.Accept(streams), (IReadOnlyDictionary<string, LoadedStream>)chips);
        }, actor, CommandPipeline.Correlated(metadata, correlationId), cancellationToken);
        result.EnsureAccepted();
        var recorded = items.Select((item, index) =>
            new ChipWriteOutcome(item.ChipId, result.VersionOf(StreamKeys.Chip(item.ChipId)), events[index]).Recorded).ToList();
        return new ChipBatchRecorded(recorded.Count, correlationId, recorded);
    }

    /// <summary>Each chip once (serials are one chip whatever their case), each id one a chip could have, before anything is loaded.</summary>
    private static void CheckNames<TItem>(IReadOnlyList<TItem> items) where TItem : IChipBatchItem
    {
        var first = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var index = 0; index < items.Count; index++)
        {
            var chipId = items[index].ChipId;
            if (!ChipIds.IsWellFormed(chipId))
            {
                throw NotVisible(index, chipId);
            }
            if (!first.TryAdd(chipId, index))
            {
                throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, ChipErrors.DuplicateChip, "A batch names each chip once.",
                    $"$.items[{index}].chipId names the chip of $.items[{first[chipId]}] ({chipId}).");
            }
        }
    }

    private static async Task<IReadOnlyList<IChipEvent>> DecideAsync<TItem>(
        int index, TItem item, ChipState state, ChipRelation relation, Actor actor, ChipAct act, Func<int, TItem, ChipState, Task<IChipCommand>> build)
        where TItem : IChipBatchItem
    {
        if (state.Stage == ChipStage.Unregistered || relation == ChipRelation.None)
        {
            throw NotVisible(index, item.ChipId);
        }
        if (act.RequiresParty && relation != ChipRelation.Current)
        {
            throw NotRightful(index, item.ChipId, act.RelationCode);
        }
        IChipCommand command;
        try
        {
            command = await build(index, item, state);
        }
        catch (ApiProblemException problem)
        {
            throw At(index, item.ChipId, problem);
        }
        if (command.ChipId != item.ChipId || command.Actor != actor)
        {
            throw new InvalidOperationException("A batch act built a command for another chip or actor.");
        }
        var decision = ChipDecisions.Decide(command, state);
        if (!decision.IsAccepted)
        {
            throw At(index, item.ChipId, DomainProblems.ToProblem(decision.Error!));
        }
        if (command is IChipReport && decision.Events.OfType<ChipObserved>().FirstOrDefault() is { } observed)
        {
            throw NotRightful(index, item.ChipId, observed.ConflictCode == ConflictCodes.NotCustodian ? act.RelationCode : observed.ConflictCode);
        }
        return decision.Events;
    }

    /// <summary>As a single act's fixed 404, with the position and the chip id the caller itself sent: nothing tells a hidden chip from an unknown one.</summary>
    private static ApiProblemException NotVisible(int index, string chipId) =>
        new(StatusCodes.Status404NotFound, ChipNotFoundException.Code, "No such chip.", $"$.items[{index}] ({chipId}): no chip with this serial is visible to this organisation.");

    private static ApiProblemException NotRightful(int index, string chipId, string code) =>
        new(StatusCodes.Status409Conflict, code, "This organisation is not the party who records this act on the chip now.",
            $"$.items[{index}] ({chipId}): reports about a chip by anyone else go to POST /api/v1/observations.");

    private static ApiProblemException At(int index, string chipId, ApiProblemException problem) =>
        new(problem.Status, problem.Code, problem.Title, $"$.items[{index}] ({chipId}): {problem.Detail ?? problem.Title}");
}
