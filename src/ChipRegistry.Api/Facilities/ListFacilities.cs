using ChipRegistry.Api.Callers;
using ChipRegistry.Api.Keys;
using ChipRegistry.Api.OpenApi;
using ChipRegistry.Api.Problems;
using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Projections.Lists;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChipRegistry.Api.Facilities;

/// <summary>
/// A page of facilities in id order; pass <see cref="Next"/> as <c>cursor</c> (null: no more).
/// <see cref="ProjectedThroughSeqId"/> is how far the daemon had applied the log when the page was read.
/// </summary>
public sealed record FacilityPage(IReadOnlyList<FacilityResponse> Facilities, string? Next, long ProjectedThroughSeqId);

public static class ListFacilitiesEndpoint
{
    private const int DefaultLimit = 50;
    private const int MaxLimit = 200;

    public static RouteHandlerBuilder MapListFacilities(this RouteGroupBuilder group) =>
        group.MapGet("", async Task<Ok<FacilityPage>> (string? @operator, string? country, string? cursor, int? limit, HttpContext context, ListReads lists,
            CancellationToken cancellationToken) =>
        {
            var operatorId = ListCursors.Filter("operator", @operator);
            if (country is not null && !Countries.IsAlpha2(country))
            {
                throw new ApiProblemException(StatusCodes.Status400BadRequest, "invalid_country", "The country is not an ISO 3166-1 alpha-2 code.", "Use two upper-case letters, e.g. US.");
            }
            var size = Paging.Size(limit, DefaultLimit, MaxLimit);
            var user = context.User;
            var page = await lists.FacilitiesAsync(
                new FacilityQuery(operatorId, country, user.ReadsEverything() ? null : user.OrganisationId(), ListCursors.Decode(cursor), size), cancellationToken);
            // The query already keeps an operator to its own sites; the single GET's rule decides again, so the two never disagree.
            var visible = page.Items.Where(user.CanSee).Select(FacilityResponse.From).ToList();
            return TypedResults.Ok(new FacilityPage(visible, page.NextAfterId is { } next ? ListCursors.Encode(next) : null, page.ProjectedThroughSeqId));
        })
        .RequireAuthorization(policy => policy.RequireRole(FacilityEndpoints.ReaderRoles))
        .WithName("ListFacilities")
        .WithSummary("Facilities in id order, a page at a time, filtered by operator and country: every facility for agencies and the registry, an operator's own for an operator.")
        .WithResponseExample(StatusCodes.Status200OK, new FacilityPage([FacilityResponse.Example], "Y29sb3NzdXMtbWVtcGhpcw", 48211))
        .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status429TooManyRequests);
}
