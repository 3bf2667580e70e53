using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.EventStore;

namespace ChipRegistry.Domain.Persistence;

/// <summary>What a chip write asks of the caller and the chip before its decision.</summary>
public sealed record ChipWriteRules
{
    /// <summary>
    /// Chips the caller may not see, and serials nobody registered, are refused as <see cref="ChipErrors.ChipNotFound"/>
    /// before anything else is looked at (agencies and the registry see every registered chip). Off for third-party
    /// observations, which any organisation may report about any serial.
    /// </summary>
    public bool Scoped { get; init; } = true;

    /// <summary>Whether only a present party to the chip may do this; a former holder is refused with <see cref="RelationCode"/>.</summary>
    public bool RequiresParty { get; init; } = true;

    /// <summary>The 409 code when the caller sees the chip but is not the party this act needs.</summary>
    public string RelationCode { get; init; } = ConflictCodes.NotCustodian;

    /// <summary>
    /// A report the domain would keep as an observation (the caller is not the rightful party, or the chip is destroyed
    /// or missing) is refused with the relation code and nothing appended: third-party reports have their own endpoint.
    /// </summary>
    public bool RefusesObservations { get; init; } = true;

    /// <summary>The version the caller last read (If-Match): any other is <see cref="CommandPipeline.VersionMismatch"/>.</summary>
    public long? ExpectedVersion { get; init; }

    /// <summary>A void: it is decided against the chip's whole history, so the pipeline reads the stream instead of the state row.</summary>
    public bool NeedsHistory { get; init; }

    /// <summary>No scope, no relation, observations kept: the domain's own rules alone (imports, tests, observations).</summary>
    public static ChipWriteRules Unscoped { get; } = new() { Scoped = false, RequiresParty = false, RefusesObservations = false };
}

/// <summary>
/// The one pipeline of a command on one chip, rerun whole on a version conflict (up to
/// <see cref="CommandPipeline.MaxAttempts"/> times): load the chip and the caller's relation to it in one statement
/// (a void, which needs the history, reads the caller's party periods and then the chip's stream once instead); refuse a chip the caller may not see as
/// not found; check If-Match; check the relation the act needs; build the command; decide once; append with the
/// loaded version expected and the loaded state lent to the chip-state projection, which therefore reads nothing.
/// </summary>
public sealed class ChipPipeline(CommandPipeline commands)
{
    public async Task<CommandResult> RunAsync(
        string chipId, Actor actor, ChipWriteRules rules, Func<ChipState, Task<IChipCommand>> build, CommandMetadata? metadata,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(build);
        return await CommandPipeline.RetryAsync(async () =>
        {
            var loaded = await LoadAsync(chipId, actor, rules, cancellationToken);
            if (rules.Scoped && (loaded.State.Stage == ChipStage.Unregistered || loaded.Relation == ChipRelation.None))
            {
                return CommandResult.Rejected(new DomainError(ChipErrors.ChipNotFound, $"no chip {chipId} is visible to {actor.OrganisationId}"));
            }
            if (rules.ExpectedVersion is { } expected && expected != loaded.State.Version)
            {
                return CommandResult.Rejected(new DomainError(CommandPipeline.VersionMismatch,
                    $"If-Match names version {expected}; chip {chipId} is at version {loaded.State.Version}. Read it again."));
            }
            if (rules.RequiresParty && loaded.Relation != ChipRelation.Current)
            {
                return NotRightful(rules.RelationCode);
            }
            var command = await build(loaded.State);
            if (command.ChipId != chipId || command.Actor != actor)
            {
                throw new InvalidOperationException("A chip write built a command for another chip or actor.");
            }
            if (command is RegisterChip && loaded.State.Version == 0
                && (await commands.Reads.RegisteredChipIdsAsync([chipId], cancellationToken))[chipId] is var registered && registered != chipId)
            {
                return CommandResult.Rejected(new DomainError(ChipErrors.ChipAlreadyRegistered, $"chip {registered} is registered; serials are one chip whatever their case"))
                    with { ConflictingStreams = [registered] };
            }
            var decision = loaded.History is { } history ? ChipDecisions.Decide(command, history) : ChipDecisions.Decide(command, loaded.State);
            if (!decision.IsAccepted) return CommandResult.Rejected(decision.Error!);
            if (rules.RefusesObservations && command is IChipReport and not ReportChipObservation
                && decision.Events.OfType<ChipObserved>().FirstOrDefault() is { } observed)
            {
                return NotRightful(observed.ConflictCode == ConflictCodes.NotCustodian ? rules.RelationCode : observed.ConflictCode);
            }
            var events = decision.Events.Cast<IDomainEvent>().ToList();
            if (loaded.State.Version == 0 && events.All(e => e is ChipObserved))
            {
                // A report about a serial nobody has registered is evidence worth keeping, but it must not create the
                // chip's stream: the manufacturer's lot later creates that stream, and a bystander's report would
                // otherwise block the lot (and tell the bystander, through the conflict, that the serial was free).
                return await commands.AppendAsync(
                    [new(StreamKeys.UnregisteredSightings(chipId), ExpectedVersion.Any, CommandPipeline.New(events), StreamKeys.UnregisteredSightingsType)],
                    events, actor, metadata, cancellationToken);
            }
            var append = new StreamAppend(StreamKeys.Chip(chipId), CommandPipeline.Expect(loaded.State.Version), CommandPipeline.New(events), StreamKeys.ChipType)
            {
                Snapshot = (object?)loaded.History ?? loaded.State,
            };
            return await commands.AppendAsync([append], events, actor, metadata, cancellationToken);
        });
    }

    /// <summary>The domain's rules alone on one chip (no scope, no relation check): see <see cref="ChipWriteRules.Unscoped"/>.</summary>
    public Task<CommandResult> HandleAsync(IChipCommand command, CommandMetadata? metadata = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        var rules = ChipWriteRules.Unscoped with { ExpectedVersion = metadata?.ExpectedVersion, NeedsHistory = command is VoidChipEvent };
        return RunAsync(command.ChipId, command.Actor, rules, _ => Task.FromResult(command), metadata, cancellationToken);
    }

    private sealed record LoadedChip(ChipState State, ChipHistory? History, ChipRelation Relation);

    /// <summary>One statement: the chip-state row with the caller's relation; for a void, the caller's party periods, then the chip's stream.</summary>
    private async Task<LoadedChip> LoadAsync(string chipId, Actor actor, ChipWriteRules rules, CancellationToken cancellationToken)
    {
        var everything = actor.SeesEveryChip || !rules.Scoped;
        if (rules.NeedsHistory)
        {
            // The 404 is decided from the party periods before the stream is read, so a chip the caller never held
            // costs what an unknown serial costs however long its history.
            if (!everything && await commands.Reads.RelationOfAsync(chipId, actor, cancellationToken) == ChipRelation.None)
            {
                return new LoadedChip(ChipState.Initial(chipId), null, ChipRelation.None);
            }
            var stream = await commands.Reads.ReadChipHistoryAsync(chipId, null, cancellationToken);
            var history = ChipHistory.Fold(chipId, stream.Select(e => e.Data).OfType<IChipEvent>());
            var view = everything ? null : ChipVisibility.For(chipId, history.Events, actor);
            var relation = everything ? ChipRelation.Current : view!.IsParty ? ChipRelation.Current : view.IsVisible ? ChipRelation.Former : ChipRelation.None;
            return new LoadedChip(history.State, history, relation);
        }
        var (state, relationNow) = rules.Scoped
            ? await commands.Reads.LoadChipForAsync(chipId, actor, cancellationToken)
            : ((await commands.Reads.LoadChipAsync(chipId, cancellationToken)).State, ChipRelation.Current);
        return new LoadedChip(state, null, relationNow);
    }

    private static CommandResult NotRightful(string code) =>
        CommandResult.Rejected(new DomainError(code, "This organisation is not the party who records this act on the chip now.")) with { RefusedForRelation = true };
}

/// <summary>A chip command under the domain's rules alone, for callers that hold the plumbing (imports, tests).</summary>
public static class ChipPipelineCommands
{
    /// <inheritdoc cref="ChipPipeline.HandleAsync"/>
    public static Task<CommandResult> HandleAsync(this CommandPipeline commands, IChipCommand command, CommandMetadata? metadata = null, CancellationToken cancellationToken = default) =>
        new ChipPipeline(commands).HandleAsync(command, metadata, cancellationToken);
}
