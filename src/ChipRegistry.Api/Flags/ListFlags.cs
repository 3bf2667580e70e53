using System.Globalization;
using ChipRegistry.Api.OpenApi;
using ChipRegistry.Api.Problems;
using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Detection.Flags;
using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime;

namespace ChipRegistry.Api.Flags;

/// <summary>The flag lists: every flag with filters, a chip's flags and an organisation's (the flags whose subject it is).</summary>
public static class ListFlagsEndpoint
{
    private const int DefaultLimit = 50;
    private const int MaxLimit = 200;

    public static RouteGroupBuilder MapListFlags(this RouteGroupBuilder group)
    {
        group.MapGet("/flags", async Task<Ok<FlagPageResponse>> (string? rule, string? severity, string? status, string? review, string? subjectKind, string? subjectId,
            string? country, string? asOf, string? from, string? to, string? cursor, int? limit, FlagReads flags, CancellationToken cancellationToken) =>
        {
            if ((subjectKind is null) != (subjectId is null))
            {
                throw new ApiProblemException(StatusCodes.Status400BadRequest, "invalid_filter", "A list filter is malformed.", "Give subjectKind and subjectId together.");
            }
            if (subjectKind is not null && !FlagSubjectKinds.All.Contains(subjectKind, StringComparer.Ordinal))
            {
                throw new ApiProblemException(StatusCodes.Status400BadRequest, "invalid_filter", "A list filter is malformed.", $"subjectKind is one of: {string.Join(", ", FlagSubjectKinds.All)}.");
            }
            if (country is not null && !Countries.IsAlpha2(country))
            {
                throw new ApiProblemException(StatusCodes.Status400BadRequest, "invalid_country", "The country is not an ISO 3166-1 alpha-2 code.", "Use two upper-case letters, e.g. SG.");
            }
            if (review is not null && !FlagReviewStates.All.Contains(review, StringComparer.Ordinal))
            {
                throw new ApiProblemException(StatusCodes.Status400BadRequest, "invalid_review", "The review is not a review state.", $"review is one of: {string.Join(", ", FlagReviewStates.All)}.");
            }
            var query = Query(rule, severity, status, asOf, from, to, cursor, limit) with
            {
                SubjectKind = subjectKind, SubjectId = ListCursors.Filter("subjectId", subjectId), Country = country, Review = review,
            };
            return TypedResults.Ok(Page(await flags.ListAsync(query, cancellationToken)));
        })
        .WithName("ListFlags")
        .WithSummary("Detection flags in id order, a page at a time, filtered by rule (1-17), severity, status (open, closed, withdrawn), review (none, acknowledge, escalate, dismiss: where the latest review leaves the flag; none takes in a dismissal that lapsed on newer evidence), subject (subjectKind and subjectId), country, period (from and to, UTC days: open at some moment of them) and asOf (a UTC day: open at its end). Withdrawn flags are in no asOf or period answer. Agencies and the registry only.")
        .WithResponseExample(StatusCodes.Status200OK, new FlagPageResponse([FlagResponse.Example], "cjAxLTVlMGMxZDJmM2E0YjVjNmQ3ZThm"))
        .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status429TooManyRequests);

        group.MapGet("/chips/{chipId}/flags", async Task<Ok<FlagPageResponse>> (string chipId, string? rule, string? severity, string? status,
            string? asOf, string? from, string? to, string? cursor, int? limit, FlagReads flags, CancellationToken cancellationToken) =>
        {
            var query = Query(rule, severity, status, asOf, from, to, cursor, limit) with { ChipId = ListCursors.Filter("chipId", chipId) };
            return TypedResults.Ok(Page(await flags.ListAsync(query, cancellationToken)));
        })
        .WithName("ListChipFlags")
        .WithSummary("The flags whose evidence includes the chip, with the filters of the flag list. Agencies and the registry only.")
        .WithResponseExample(StatusCodes.Status200OK, new FlagPageResponse([FlagResponse.Example], null))
        .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status429TooManyRequests);

        group.MapGet("/organisations/{organisationId}/flags", async Task<Ok<FlagPageResponse>> (string organisationId, string? rule, string? severity,
            string? status, string? asOf, string? from, string? to, string? cursor, int? limit, FlagReads flags, CancellationToken cancellationToken) =>
        {
            var query = Query(rule, severity, status, asOf, from, to, cursor, limit) with
            {
                SubjectKind = FlagSubjectKinds.Organisation, SubjectId = ListCursors.Filter("organisationId", organisationId),
            };
            return TypedResults.Ok(Page(await flags.ListAsync(query, cancellationToken)));
        })
        .WithName("ListOrganisationFlags")
        .WithSummary("The flags whose subject is the organisation, with the filters of the flag list. Agencies and the registry only.")
        .WithResponseExample(StatusCodes.Status200OK, new FlagPageResponse([FlagResponse.Example], null))
        .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status429TooManyRequests);
        return group;
    }

    private static FlagPageResponse Page(FlagPage page) =>
        new([.. page.Flags.Select(FlagResponse.From)], page.NextAfterId is { } next ? ListCursors.Encode(next) : null);

    private static FlagQuery Query(string? rule, string? severity, string? status, string? asOf, string? from, string? to, string? cursor, int? limit)
    {
        int? ruleNumber = null;
        if (rule is not null)
        {
            ruleNumber = int.TryParse(rule, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 17
                ? n
                : throw new ApiProblemException(StatusCodes.Status400BadRequest, "invalid_rule", "The rule is not a detection rule.", "rule is a number from 1 to 17.");
        }
        if (severity is not null && !FlagSeverities.All.Contains(severity, StringComparer.Ordinal))
        {
            throw new ApiProblemException(StatusCodes.Status400BadRequest, "invalid_severity", "The severity is not a flag severity.", $"Use one of: {string.Join(", ", FlagSeverities.All)}.");
        }
        if (status is not null && !FlagStatuses.All.Contains(status, StringComparer.Ordinal))
        {
            throw new ApiProblemException(StatusCodes.Status400BadRequest, "invalid_status", "The status is not a flag status.", $"Use one of: {string.Join(", ", FlagStatuses.All)}.");
        }
        if ((from is null) != (to is null))
        {
            throw new ApiProblemException(StatusCodes.Status400BadRequest, "invalid_period", "A period needs both ends.", "Give from and to (yyyy-MM-dd) together, from <= to.");
        }
        Instant? periodStart = null, periodEnd = null;
        if (from is not null && to is not null)
        {
            var (start, end) = (QueryDays.Parse(from, "from", "invalid_period"), QueryDays.Parse(to, "to", "invalid_period"));
            if (end < start)
            {
                throw new ApiProblemException(StatusCodes.Status400BadRequest, "invalid_period", "A period needs both ends.", "Give from and to (yyyy-MM-dd) together, from <= to.");
            }
            periodStart = QueryDays.StartOf(start);
            periodEnd = QueryDays.StartOf(end.PlusDays(1));
        }
        Instant? asOfEnd = asOf is null ? null : QueryDays.StartOf(QueryDays.Parse(asOf, "asOf", "invalid_as_of").PlusDays(1));
        return new FlagQuery(Rule: ruleNumber, Severity: severity, Status: status, AsOfEnd: asOfEnd, PeriodStart: periodStart, PeriodEnd: periodEnd,
            AfterId: ListCursors.Decode(cursor), Limit: Paging.Size(limit, DefaultLimit, MaxLimit));
    }
}
