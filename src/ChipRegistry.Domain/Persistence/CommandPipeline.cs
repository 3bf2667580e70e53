using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.EventStore;

namespace ChipRegistry.Domain.Persistence;

/// <summary>
/// How every command runs: load what it decides on (once), decide (a pure function, once), append with the loaded
/// version as the expected one (one transaction; the loaded state lent to the inline projections, so they do not
/// read it again). A <see cref="StreamVersionConflictException"/> or a <see cref="TransientEventStoreException"/>
/// means nothing was appended, so the whole pipeline runs again, up to <see cref="MaxAttempts"/> times, then the
/// last one goes through (the API answers 409). This class is only the plumbing: each use case states its own load
/// and decision beside its command (e.g. <c>FacilityCommands</c>, <see cref="ChipPipeline"/> for chip acts).
/// </summary>
public sealed class CommandPipeline(RegistryReads reads)
{
    public const int MaxAttempts = 3;

    /// <summary>The error code of a command whose <see cref="CommandMetadata.ExpectedVersion"/> is stale.</summary>
    public const string VersionMismatch = CommandErrors.VersionMismatch;

    public RegistryReads Reads => reads;

    public IEventStore Store => reads.Store;

    /// <summary>One entity stream (organisation, facility, licence, ...): fold it, decide, append.</summary>
    public Task<CommandResult> RunEntityAsync<TState, TEvent>(
        string streamKey, string streamType, Func<Task<Loaded<TState>>> load, Func<TState?, Task<Decision<TEvent>>> decide, Actor actor,
        CommandMetadata? metadata, CancellationToken cancellationToken)
        where TState : class
        where TEvent : IDomainEvent
    {
        ArgumentNullException.ThrowIfNull(load);
        ArgumentNullException.ThrowIfNull(decide);
        return RetryAsync(async () =>
        {
            var loaded = await load();
            var decision = await decide(loaded.State);
            if (!decision.IsAccepted) return CommandResult.Rejected(decision.Error!);
            IReadOnlyList<IDomainEvent> events = [.. decision.Events.Cast<IDomainEvent>()];
            var result = await AppendAsync([new(streamKey, Expect(loaded.Version), New(events), streamType) { Snapshot = loaded.State }],
                events, actor, metadata, cancellationToken);
            return result with { Written = new Dictionary<string, (object?, IReadOnlyList<IDomainEvent>)> { [streamKey] = (loaded.State, events) } };
        });
    }

    /// <summary>
    /// A decision over several streams (a batch of chips, an assembly and its chips): <paramref name="attempt"/> loads
    /// and decides; the appends are checked against the versions it loaded and carry its snapshots.
    /// </summary>
    public Task<CommandResult> RunStreamsAsync(
        Func<Task<(Decision<StreamEvents> Decision, IReadOnlyDictionary<string, LoadedStream> Streams)>> attempt, Actor actor, CommandMetadata? metadata,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        return RetryAsync(async () =>
        {
            var (decision, streams) = await attempt();
            if (!decision.IsAccepted) return CommandResult.Rejected(decision.Error!);
            var appends = decision.Events
                .Where(s => s.Events.Count > 0)
                .Select(s =>
                {
                    var key = StreamKeys.For(s.Stream);
                    var loaded = streams.TryGetValue(key, out var l) ? l : throw new InvalidOperationException($"the decision wrote to {key}, which was not loaded");
                    return new StreamAppend(key, Expect(loaded.Version), New(s.Events), s.Stream.Category) { Snapshot = loaded.Snapshot };
                })
                .ToList();
            var result = await AppendAsync(appends, [.. decision.Events.SelectMany(s => s.Events)], actor, metadata, cancellationToken);
            return result with
            {
                Written = decision.Events.Where(s => s.Events.Count > 0).ToDictionary(
                    s => StreamKeys.For(s.Stream), s => (streams[StreamKeys.For(s.Stream)].Snapshot, s.Events), StringComparer.Ordinal),
            };
        });
    }

    /// <summary>Appends what a decision produced (one transaction; one stream in one round trip).</summary>
    internal async Task<CommandResult> AppendAsync(
        IReadOnlyList<StreamAppend> appends, IReadOnlyList<IDomainEvent> events, Actor actor, CommandMetadata? metadata, CancellationToken cancellationToken)
    {
        if (appends.Count == 0) return new CommandResult(null, [], null);
        var appendMetadata = (metadata ?? CommandMetadata.None).For(actor);
        var result = appends.Count == 1
            ? await Store.AppendAsync(appends[0], appendMetadata, cancellationToken)
            : await Store.AppendAsync(appends, appendMetadata, cancellationToken);
        return new CommandResult(null, events, result);
    }

    /// <summary>Runs <paramref name="attempt"/> again (load included) while it loses a race, up to <see cref="MaxAttempts"/> times.</summary>
    internal static async Task<CommandResult> RetryAsync(Func<Task<CommandResult>> attempt)
    {
        for (var n = 1; ; n++)
        {
            try
            {
                return await attempt();
            }
            catch (StreamVersionConflictException) when (n < MaxAttempts)
            {
                // someone appended between our load and our append: nothing was written; load and decide again
            }
            catch (TransientEventStoreException) when (n < MaxAttempts)
            {
                // deadlock victim or serialisation failure: the transaction rolled back whole
            }
        }
    }

    /// <summary>Multi-stream appends share a correlation id: the caller's, or the command's event id.</summary>
    public static CommandMetadata Correlated(CommandMetadata? metadata, Guid eventId) =>
        (metadata ?? CommandMetadata.None) is { CorrelationId: null } m ? m with { CorrelationId = eventId.ToString() } : metadata!;

    internal static ExpectedVersion Expect(long version) => version == 0 ? ExpectedVersion.NoStream : ExpectedVersion.Exactly(version);

    internal static List<NewEvent> New<TEvent>(IEnumerable<TEvent> events) where TEvent : IDomainEvent =>
        [.. events.Select(e => new NewEvent(e, e.OccurredAt, (e as IChipEvent)?.EventId))];
}

/// <summary>A stream as a multi-stream command loaded it: its version and, where there is one, the state to lend.</summary>
public sealed record LoadedStream(long Version, object? Snapshot);
