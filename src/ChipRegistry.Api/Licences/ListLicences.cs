using System.Text.Json;
using ChipRegistry.Api.Callers;
using ChipRegistry.Api.Keys;
using ChipRegistry.Api.OpenApi;
using ChipRegistry.Api.Problems;
using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.Domain.Projections.Lists;
using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime;

namespace ChipRegistry.Api.Licences;

/// <summary>
/// A page of licences in id order; pass <see cref="Next"/> as <c>cursor</c> (null: no more).
/// <see cref="ProjectedThroughSeqId"/> is how far the daemon had applied the log when the page was read.
/// </summary>
public sealed record LicencePage(IReadOnlyList<LicenceResponse> Licences, string? Next, long ProjectedThroughSeqId);

public static class ListLicencesEndpoint
{
    private const int DefaultLimit = 50;
    private const int MaxLimit = 200;

    private static readonly IReadOnlyDictionary<string, LicenceStatus> Statuses = Enum.GetValues<LicenceStatus>()
        .ToDictionary(s => JsonNamingPolicy.SnakeCaseLower.ConvertName(s.ToString()), s => s, StringComparer.Ordinal);

    public static RouteHandlerBuilder MapListLicences(this RouteGroupBuilder group) =>
        group.MapGet("/licences", async Task<Ok<LicencePage>> (string? holder, string? status, string? model, string? destination, string? cursor, int? limit,
            HttpContext context, ListReads lists, RegistryReads reads, IClock clock, CancellationToken cancellationToken) =>
        {
            var holderId = ListCursors.Filter("holder", holder);
            var modelId = ListCursors.Filter("model", model);
            LicenceStatus? wanted = null;
            if (status is not null)
            {
                wanted = Statuses.TryGetValue(status, out var known)
                    ? known
                    : throw new ApiProblemException(StatusCodes.Status400BadRequest, "invalid_status", "The status is not a licence status.", $"Use one of: {string.Join(", ", Statuses.Keys)}.");
            }
            if (destination is not null && !Countries.IsAlpha2(destination))
            {
                throw new ApiProblemException(StatusCodes.Status400BadRequest, "invalid_country", "The destination is not an ISO 3166-1 alpha-2 code.", "Use two upper-case letters, e.g. MY.");
            }
            var size = Paging.Size(limit, DefaultLimit, MaxLimit);
            var user = context.User;
            var page = await lists.LicencesAsync(new LicenceQuery(holderId, wanted, modelId, destination, user.ReadsEverything() ? null : user.OrganisationId(),
                clock.GetCurrentInstant().InUtc().Date, ListCursors.Decode(cursor), size), cancellationToken);
            // The query already keeps an organisation to the licences naming it; the single GET's rule decides again.
            var shown = page.Items.Where(user.CanSee).ToList();
            var shipped = await reads.CountShippedUnderLicencesAsync([.. shown.Select(l => l.Number)], cancellationToken);
            var visible = shown.Select(l => LicenceResponse.From(l, shipped.GetValueOrDefault(l.Number))).ToList();
            return TypedResults.Ok(new LicencePage(visible, page.NextAfterId is { } next ? ListCursors.Encode(next) : null, page.ProjectedThroughSeqId));
        })
        .WithName("ListLicences")
        .WithSummary("Licences in id order, a page at a time, filtered by holder, status (pending, active, expired, revoked: today, UTC), model and destination: every licence for agencies and the registry, those naming the caller as holder, consignee or end user for others.")
        .WithResponseExample(StatusCodes.Status200OK, new LicencePage([LicenceResponse.Example], "bGljLTIwMjYtMDA0Mg", 48211))
        .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status429TooManyRequests);
}
