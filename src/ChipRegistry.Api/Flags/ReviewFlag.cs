using ChipRegistry.Api.Callers;
using ChipRegistry.Api.OpenApi;
using ChipRegistry.Api.Problems;
using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Detection.Reviews;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.EventStore;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChipRegistry.Api.Flags;

public sealed record ReviewFlagRequest(string Action, string Reason, NodaTime.OffsetDateTime? OccurredAt = null);

/// <summary>
/// An agency acknowledges, escalates or dismisses a flag with a reason: an event on the flag's own stream, so the
/// review survives any rebuild of the rule (the flag keeps its id). A dismissal holds until newer evidence joins the flag.
/// </summary>
public static class ReviewFlagEndpoint
{
    public static RouteGroupBuilder MapReviewFlag(this RouteGroupBuilder group)
    {
        group.MapPost("/flags/{flagId}/reviews", async Task<Ok<FlagResponse>> (string flagId, HttpContext context, FlagReads flags, IEventStore store,
            CancellationToken cancellationToken) =>
        {
            var body = await context.Request.ReadAsync<ReviewFlagRequest>(cancellationToken);
            var view = await flags.FindAsync(flagId, cancellationToken);
            var decision = FlagReviewDecision.Decide(new ReviewFlag(flagId, body.Action, body.Reason, context.User.Actor(), context.BusinessTime(body.OccurredAt)), view?.Flag);
            if (decision.Error is { } error) throw DomainProblems.ToProblem(error);
            var review = decision.Events[0];
            await store.AppendAsync(new StreamAppend(StreamKeys.Flag(flagId), ExpectedVersion.Any, new NewEvent(review, review.OccurredAt), StreamKeys.FlagType),
                context.AppendMetadata(), cancellationToken);
            return TypedResults.Ok(FlagResponse.From(new FlagView(view!.Flag, review, FlagReviewDecision.StateOf(view.Flag, review))));
        })
        .RequireAuthorization(FlagEndpoints.ReviewerPolicy)
        .Accepts<ReviewFlagRequest>("application/json").WithName("ReviewFlag")
        .WithSummary("Acknowledge, escalate or dismiss a flag (agency), with the reason; recorded as an event on the flag's stream and kept across rebuilds. A dismissed flag stays dismissed until new evidence joins it.")
        .WithRequestExample(new ReviewFlagRequest(FlagReviewActions.Dismiss, "the forwarder holds a licence for the onward leg"))
        .WithResponseExample(StatusCodes.Status200OK, FlagResponse.Example with { Review = FlagReviewActions.Dismiss })
        .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound,
            StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status422UnprocessableEntity, StatusCodes.Status429TooManyRequests);
        return group;
    }
}
