using System.Security.Cryptography;
using System.Text;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.EventStore;
using NodaTime;

namespace ChipRegistry.Domain.Detection.Clock;

/// <summary>The registry's time moves to <see cref="At"/>: a whole second, later than the latest tick.</summary>
public sealed record TickClock(Instant At, Actor Actor);

/// <summary>The clock stream's latest tick and the stream's version after it.</summary>
public sealed record LatestTick(Instant At, long Version);

/// <summary>What a tick command left: the tick at its instant, the clock's version after it, and whether this call appended it.</summary>
public sealed record TickOutcome(Instant At, long Version, bool Appended);

/// <summary>A tick command's answer: the tick, or the error that refused it (nothing appended).</summary>
public sealed record TickResult(DomainError? Error, TickOutcome? Tick)
{
    public TickOutcome EnsureAccepted() => Error is null ? Tick! : throw new DomainRejectedException(Error);
}

public static class ClockDecisions
{
    /// <summary>
    /// Ticks only move forward: a tick at the latest tick's instant is the same tick again (nothing to append, so two
    /// instances, or a client's retry, agree on one tick); an earlier one would put the registry's time back.
    /// </summary>
    public static Decision<ClockTicked> Decide(TickClock c, LatestTick? latest)
    {
        ArgumentNullException.ThrowIfNull(c);
        if (c.At.ToUnixTimeTicks() % NodaConstants.TicksPerSecond != 0)
        {
            return new DomainError(ClockErrors.InvalidTick, "a tick is a whole second (its idempotency key is the instant to the second)");
        }
        if (latest is not null && c.At < latest.At)
        {
            return new DomainError(ClockErrors.TickNotAfterLatest, $"the latest tick is {InstantText(latest.At)}; a tick cannot go back to {InstantText(c.At)}");
        }
        return latest is not null && c.At == latest.At
            ? Decision<ClockTicked>.Accept()
            : Decision<ClockTicked>.Accept(new ClockTicked(c.Actor.OrganisationId, c.At));
    }

    private static string InstantText(Instant at) => NodaTime.Text.InstantPattern.ExtendedIso.Format(at);
}

/// <summary>The clock's handler and its one read: the latest tick, never a fold of every tick.</summary>
public static class ClockCommands
{
    /// <summary>
    /// Appends the tick unless the latest already is it. Exactly one tick per instant across hosts: the append expects
    /// the version it read (a racing host's tick makes it a conflict, and the rerun finds the tick there) and carries
    /// the instant's idempotency key (the store answers a second append under it with the first one's result).
    /// </summary>
    public static async Task<TickResult> TickAsync(this CommandPipeline commands, TickClock command, CommandMetadata? metadata = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commands);
        ArgumentNullException.ThrowIfNull(command);
        var keyed = metadata is { IdempotencyKey: not null } ? metadata : (metadata ?? CommandMetadata.None) with
        {
            IdempotencyKey = ClockStream.IdempotencyKey(command.At),
            RequestHash = SHA256.HashData(Encoding.UTF8.GetBytes(ClockStream.IdempotencyKey(command.At))),
        };
        TickOutcome? outcome = null;
        var result = await CommandPipeline.RetryAsync(async () =>
        {
            var latest = await LatestTickAsync(commands.Store, cancellationToken);
            var decision = ClockDecisions.Decide(command, latest);
            if (!decision.IsAccepted) return CommandResult.Rejected(decision.Error!);
            if (decision.Events.Count == 0)
            {
                outcome = new TickOutcome(latest!.At, latest.Version, Appended: false);
                return new CommandResult(null, [], null);
            }
            IReadOnlyList<IDomainEvent> events = [.. decision.Events];
            var appended = await commands.AppendAsync(
                [new StreamAppend(ClockStream.Key, CommandPipeline.Expect(latest?.Version ?? 0), CommandPipeline.New(events), StreamKeys.ClockType)],
                events, command.Actor, keyed, cancellationToken);
            outcome = new TickOutcome(command.At, appended.VersionOf(ClockStream.Key), Appended: appended.Append is { Replayed: false });
            return appended;
        });
        return new TickResult(result.Error, result.Error is null ? outcome : null);
    }

    /// <summary>The latest tick (null before the first): the clock stream's version, then its last event only.</summary>
    public static async Task<LatestTick?> LatestTickAsync(IEventStore store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var version = await store.FetchStreamVersionAsync(ClockStream.Key, cancellationToken);
        if (version == 0) return null;
        var last = await store.ReadStreamAsync(ClockStream.Key, version, null, cancellationToken);
        return last.Count == 0 || last[^1].Data is not ClockTicked tick ? null : new LatestTick(tick.OccurredAt, last[^1].Version);
    }
}
