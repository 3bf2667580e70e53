using ChipRegistry.Api.Callers;
using ChipRegistry.Api.Idempotency;
using ChipRegistry.Api.Problems;
using ChipRegistry.Domain;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Persistence;

namespace ChipRegistry.Api.Chips.Lifecycle;

/// <summary>One event appended to a chip's stream: its id (to void it later) and its stored type.</summary>
public sealed record RecordedEvent(Guid EventId, string Type);

/// <summary>What a chip write appended: the chip's new version (also the <c>ETag</c>) and the events, in stream order.</summary>
public sealed record ChipEventsRecorded(string ChipId, long Version, IReadOnlyList<RecordedEvent> Events);

/// <summary>The outcome of a chip write, for the endpoint to shape its response.</summary>
public sealed record ChipWriteOutcome(string ChipId, long Version, IReadOnlyList<IChipEvent> Events)
{
    public ChipEventsRecorded Recorded => new(ChipId, Version, [.. Events.Select(e => new RecordedEvent(e.EventId, DomainEventNames.ByType[e.GetType()]))]);
}

/// <summary>What a write endpoint knows before any chip is loaded: who it needs the caller to be to the chip.</summary>
/// <param name="RelationCode">The 409 code when the caller sees the chip but is not the party this act needs
/// (<c>not_custodian</c>, <c>not_named_consignee</c>, ...).</param>
/// <param name="RequiresParty">Whether only a present party to the chip (owner, custodian, named buyer or consignee,
/// operator) can do this; a former holder, who still sees its own period, gets <paramref name="RelationCode"/> without the
/// decision being consulted, so nothing about the chip's later life leaks through error codes.</param>
public sealed record ChipAct(string RelationCode, bool RequiresParty = true);

/// <summary>
/// Every chip lifecycle write goes through here, in this order:
/// <list type="number">
/// <item>the chip id must be well formed, the chip registered and visible to the caller (agencies and the registry
/// see every registered chip): otherwise the fixed 404 of an unknown serial, before anything else is looked at;</item>
/// <item>If-Match, if sent, must name the chip's current version: otherwise 412 <c>version_mismatch</c>;</item>
/// <item>the caller must be a present party where the act needs one: otherwise 409 with the act's relation code;</item>
/// <item>the command is decided against the loaded state: a rejection is its domain code; a report the domain would
/// keep as a <see cref="ChipObserved"/> (the caller is not the rightful party, or the chip is destroyed or missing) is
/// refused with 409 and nothing is appended: third-party reports go to <c>POST /api/v1/observations</c>;</item>
/// <item>the command is handled with the loaded version as the expected one, under the request's Idempotency-Key.
/// If the chip moved on in between and the caller sent no If-Match, it starts over (up to three times).</item>
/// </list>
/// </summary>
public sealed class ChipWrites(RegistryReads reads, RegistryCommands commands)
{
    private const int MaxAttempts = 3;

    public RegistryReads Reads => reads;

    /// <summary>Runs <paramref name="build"/>'s command on the chip; see the class summary for the order of checks.</summary>
    public async Task<ChipWriteOutcome> ExecuteAsync(
        HttpContext http, string chipId, ChipAct act, Func<ChipSnapshot, Actor, Task<IChipCommand>> build, CancellationToken cancellationToken)
    {
        if (!ChipIds.IsWellFormed(chipId))
        {
            throw new ChipNotFoundException();
        }
        var ifMatch = IfMatch.ExpectedVersion(http.Request);
        var actor = http.User.Actor();
        for (var attempt = 1; ; attempt++)
        {
            var snapshot = await LoadVisibleAsync(chipId, actor, cancellationToken);
            if (ifMatch is { } expected && expected != snapshot.Version)
            {
                throw VersionMismatch(chipId, snapshot.Version, expected);
            }
            if (act.RequiresParty && !ReadsEverything(actor) && !ChipVisibility.IsParty(snapshot.State, actor.OrganisationId))
            {
                throw NotRightful(act.RelationCode);
            }
            var command = await build(snapshot, actor);
            if (command.ChipId != chipId || command.Actor != actor)
            {
                throw new InvalidOperationException("A chip write built a command for another chip or actor.");
            }
            var decision = ChipDecisions.Decide(command, snapshot.State);
            if (!decision.IsAccepted)
            {
                throw new DomainRejectedException(decision.Error!);
            }
            if (command is IChipReport and not ReportChipObservation && decision.Events.OfType<ChipObserved>().FirstOrDefault() is { } observed)
            {
                throw NotRightful(observed.ConflictCode == ConflictCodes.NotCustodian ? act.RelationCode : observed.ConflictCode);
            }
            var result = await commands.HandleAsync(command, Metadata(http, snapshot.Version), cancellationToken);
            if (result.Error?.Code == RegistryCommands.VersionMismatch && ifMatch is null && attempt < MaxAttempts)
            {
                continue;
            }
            result.EnsureAccepted();
            return new ChipWriteOutcome(chipId, result.VersionOf(StreamKeys.Chip(chipId)), [.. result.Events.Cast<IChipEvent>()]);
        }
    }

    /// <summary>
    /// The chip as the caller may see it, or the fixed 404: unknown serials, serials that only have observations
    /// (no fabrication), and chips the caller held at no time are all answered alike.
    /// </summary>
    public async Task<ChipSnapshot> LoadVisibleAsync(string chipId, Actor actor, CancellationToken cancellationToken)
    {
        if (!ChipIds.IsWellFormed(chipId))
        {
            throw new ChipNotFoundException();
        }
        var snapshot = await reads.LoadChipAsync(chipId, cancellationToken);
        if (snapshot.Version == 0 || snapshot.State.Stage == ChipStage.Unregistered)
        {
            throw new ChipNotFoundException();
        }
        if (!ReadsEverything(actor) && !ChipVisibility.For(chipId, snapshot.State.History, actor).IsVisible)
        {
            throw new ChipNotFoundException();
        }
        return snapshot;
    }

    /// <summary>The request's metadata for the append: the Idempotency-Key (if any) and the expected version.</summary>
    public static CommandMetadata Metadata(HttpContext http, long? expectedVersion = null)
    {
        var idempotency = http.Features.Get<IdempotencyRequest>();
        return new CommandMetadata
        {
            IdempotencyKey = idempotency?.Key,
            RequestHash = idempotency?.RequestHash,
            ExpectedVersion = expectedVersion,
        };
    }

    private static bool ReadsEverything(Actor actor) => actor.IsAgency || actor.Kind == OrganisationKind.Registry;

    private static ApiProblemException VersionMismatch(string chipId, long current, long expected) =>
        new(StatusCodes.Status412PreconditionFailed, RegistryCommands.VersionMismatch, "The chip changed since the version the request names.",
            $"If-Match names version {expected}; chip {chipId} is at version {current}. Read it again.");

    private static ApiProblemException NotRightful(string code) =>
        new(StatusCodes.Status409Conflict, code, "This organisation is not the party who records this act on the chip now.",
            "Reports about a chip by anyone else go to POST /api/v1/observations.");
}

public static class ChipWriteResults
{
    /// <summary>201 with the recorded events and <c>ETag: "&lt;new version&gt;"</c>.</summary>
    public static Microsoft.AspNetCore.Http.HttpResults.Created<T> Created<T>(HttpContext http, long version, T body)
    {
        http.Response.Headers.ETag = IfMatch.ETagOf(version);
        return TypedResults.Created((string?)null, body);
    }
}
