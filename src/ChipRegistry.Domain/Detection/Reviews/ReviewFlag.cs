using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Detection.Flags;
using NodaTime;

namespace ChipRegistry.Domain.Detection.Reviews;

/// <summary>An agency acknowledges, escalates or dismisses a flag, with its reason.</summary>
public sealed record ReviewFlag(string FlagId, string Action, string Reason, Actor Actor, Instant At);

public static class FlagReviewDecision
{
    /// <summary>The review event, or the error; <paramref name="flag"/> is the flag as the rules hold it now (null: no such flag).</summary>
    public static Decision<FlagReviewed> Decide(ReviewFlag command, Flag? flag)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (!command.Actor.IsAgency) return Decision<FlagReviewed>.Reject(new DomainError(FlagReviewErrors.NotAgency, "only an agency reviews flags"));
        if (flag is null) return Decision<FlagReviewed>.Reject(new DomainError(FlagReviewErrors.FlagNotFound, $"no flag {command.FlagId}"));
        if (!FlagReviewActions.All.Contains(command.Action, StringComparer.Ordinal))
        {
            return Decision<FlagReviewed>.Reject(new DomainError(FlagReviewErrors.InvalidReviewAction, $"action must be one of: {string.Join(", ", FlagReviewActions.All)}"));
        }
        if (string.IsNullOrWhiteSpace(command.Reason)) return Decision<FlagReviewed>.Reject(new DomainError(FlagReviewErrors.ReasonRequired, "state the reason"));
        return Decision<FlagReviewed>.Accept(new FlagReviewed(flag.Id, command.Action, command.Reason.Trim(), flag.Evidence.Count == 0 ? 0 : flag.Evidence.Max(),
            command.Actor.OrganisationId, command.At));
    }

    /// <summary>
    /// Where the review leaves the flag: the latest review's action, except that a dismissal lapses (null) once the flag
    /// holds evidence recorded after it.
    /// </summary>
    public static string? StateOf(Flag flag, FlagReviewed? latest)
    {
        ArgumentNullException.ThrowIfNull(flag);
        if (latest is null) return null;
        var newer = flag.Evidence.Count > 0 && flag.Evidence.Max() > latest.EvidenceThrough;
        return latest.Action == FlagReviewActions.Dismiss && newer ? null : latest.Action;
    }
}
