using ChipRegistry.Api.Callers;
using ChipRegistry.Api.Idempotency;
using ChipRegistry.Api.Problems;
using ChipRegistry.Api.Requests;
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
/// <param name="NeedsHistory">A void: decided against the chip's whole history rather than its state.</param>
public sealed record ChipAct(string RelationCode, bool RequiresParty = true, bool NeedsHistory = false);

/// <summary>
/// Every chip lifecycle write goes through here, into the domain's one pipeline (<see cref="ChipPipeline"/>): the
/// chip and the caller's relation to it loaded in one statement, then, in this order: a chip the caller may not see
/// is the fixed 404 of an unknown serial; If-Match must name the chip's current version (412); the caller must be a
/// present party where the act needs one (409 with the act's relation code); the command is decided once (a
/// rejection is its domain code; a report the domain would keep as an observation is refused with 409, since
/// third-party reports go to <c>POST /api/v1/observations</c>); the events are appended under the request's
/// Idempotency-Key. A version conflict reruns the whole pipeline (up to three times).
/// </summary>
public sealed class ChipWrites(RegistryReads reads, ChipPipeline pipeline)
{
    public RegistryReads Reads => reads;

    /// <summary>Runs <paramref name="build"/>'s command on the chip; see the class summary for the order of checks.</summary>
    public async Task<ChipWriteOutcome> ExecuteAsync(
        HttpContext http, string chipId, ChipAct act, Func<ChipState, Actor, Task<IChipCommand>> build, CancellationToken cancellationToken)
    {
        if (!ChipIds.IsWellFormed(chipId))
        {
            throw new ChipNotFoundException();
        }
        var actor = http.User.Actor();
        var rules = new ChipWriteRules
        {
            RelationCode = act.RelationCode,
            RequiresParty = act.RequiresParty,
            NeedsHistory = act.NeedsHistory,
            ExpectedVersion = IfMatch.ExpectedVersion(http.Request),
        };
        var result = EnsureWritten(await pipeline.RunAsync(chipId, actor, rules, state => build(state, actor), http.CommandMetadata(), cancellationToken));
        return new ChipWriteOutcome(chipId, result.VersionOf(StreamKeys.Chip(chipId)), [.. result.Events.Cast<IChipEvent>()]);
    }

    /// <summary>
    /// The chip pipeline's answer as HTTP: a hidden or unknown chip is the fixed 404, a refusal for the caller's
    /// relation to the chip 409 with the act's code, any other refusal its domain code's status.
    /// </summary>
    public static CommandResult EnsureWritten(CommandResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Error?.Code == ChipErrors.ChipNotFound)
        {
            throw new ChipNotFoundException();
        }
        if (result.RefusedForRelation)
        {
            throw new ApiProblemException(StatusCodes.Status409Conflict, result.Error!.Code, "This organisation is not the party who records this act on the chip now.",
                "Reports about a chip by anyone else go to POST /api/v1/observations.");
        }
        return result.EnsureAccepted();
    }

    /// <summary>
    /// The chip as the caller may see it, or the fixed 404: unknown serials, serials that only have observations
    /// (no fabrication), and chips the caller held at no time are all answered alike. Reads the chip-state row and
    /// the caller's party periods in one statement.
    /// </summary>
    public async Task<ChipSnapshot> LoadVisibleAsync(string chipId, Actor actor, CancellationToken cancellationToken)
    {
        if (!ChipIds.IsWellFormed(chipId))
        {
            throw new ChipNotFoundException();
        }
        var (state, relation) = await reads.LoadChipForAsync(chipId, actor, cancellationToken);
        if (state.Stage == ChipStage.Unregistered || relation == ChipRelation.None)
        {
            throw new ChipNotFoundException();
        }
        return new ChipSnapshot(state);
    }
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
