using System.Globalization;
using ChipRegistry.Api.OpenApi;
using ChipRegistry.Api.Problems;
using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Detection.LicenceCheckFailed;
using ChipRegistry.Domain.Licences;
using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime;

namespace ChipRegistry.Api.Flags;

/// <summary>One chip shipped with a failed licence check, as rule 16 keeps it.</summary>
public sealed record LicenceCheckFailureResponse(
    string ChipId, Guid ShipmentEventId, long SeqId, string ShipperId, string ConsigneeId, string DestinationCountry, Instant ShippedAt, string Result,
    string Detail, bool Voided)
{
    public static LicenceCheckFailureResponse From(FailedLicenceCheck f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return new(f.ChipId, f.EventId, f.SeqId, f.ShipperId, f.ConsigneeId, f.DestinationCountry, f.ShippedAt, f.Result, f.Detail, f.Voided);
    }

    public static LicenceCheckFailureResponse Example { get; } = new("nvidia:1652223004561", Guid.Parse("0193a5e2-7c41-7d2e-9a51-3f6e8b2c4d10"), 48211,
        "nvidia", "sg-fwd", "CN", Instant.FromUtc(2025, 3, 2, 9, 0), "missing", "a licence is required for H100 to CN on 2025-03-02; none was cited", false);
}

public sealed record LicenceCheckFailurePageResponse(IReadOnlyList<LicenceCheckFailureResponse> Shipments, string? Next);

/// <summary>
/// Chip search by licence-check result: the chips shipped without the licence they needed (or with one that did not
/// cover them), across all chips, filtered by result, destination, shipper, consignee, chip and shipping days.
/// </summary>
public static class ListLicenceCheckFailuresEndpoint
{
    private const int DefaultLimit = 50;
    private const int MaxLimit = 200;

    /// <summary>The results a search may name: every stored result rule 16 flags (ok and none_needed are not failures).</summary>
    public static IReadOnlyList<string> FailingResults { get; } =
        [.. Enum.GetValues<LicenceCheckResult>().Where(FailedLicenceCheck.Fails).Select(r => r.ToCode())];

    /// <summary>The failing result a filter names, or null for none; anything else is refused (400 invalid_licence_check_result).</summary>
    public static string? FailingResult(string? result) =>
        result is null || FailingResults.Contains(result, StringComparer.Ordinal)
            ? result
            : throw new ApiProblemException(StatusCodes.Status400BadRequest, "invalid_licence_check_result", "The result is not a failing licence-check result.",
                $"Use one of: {string.Join(", ", FailingResults)}.");

    public static RouteGroupBuilder MapListLicenceCheckFailures(this RouteGroupBuilder group)
    {
        group.MapGet("/licence-check-failures", async Task<Ok<LicenceCheckFailurePageResponse>> (string? result, string? destinationCountry,
            string? shipperId, string? consigneeId, string? chipId, string? from, string? to, bool? includeVoided, string? cursor, int? limit,
            LicenceCheckFailureReads failures, CancellationToken cancellationToken) =>
        {
            FailingResult(result);
            if (destinationCountry is not null && !Countries.IsAlpha2(destinationCountry))
            {
                throw new ApiProblemException(StatusCodes.Status400BadRequest, "invalid_country", "The country is not an ISO 3166-1 alpha-2 code.", "Use two upper-case letters, e.g. SG.");
            }
            var fromDay = from is null ? (LocalDate?)null : QueryDays.Parse(from, "from", "invalid_period");
            var toDay = to is null ? (LocalDate?)null : QueryDays.Parse(to, "to", "invalid_period");
            if (fromDay > toDay)
            {
                throw new ApiProblemException(StatusCodes.Status400BadRequest, "invalid_period", "The period ends before it starts.", "Give from <= to (yyyy-MM-dd, UTC days, inclusive).");
            }
            long? after = null;
            if (ListCursors.Decode(cursor) is { } position)
            {
                after = long.TryParse(position, NumberStyles.None, CultureInfo.InvariantCulture, out var seqId) ? seqId : throw Paging.InvalidCursor();
            }
            var query = new LicenceCheckFailureQuery(result, destinationCountry, ListCursors.Filter("shipperId", shipperId), ListCursors.Filter("consigneeId", consigneeId),
                ListCursors.Filter("chipId", chipId), fromDay is { } f ? QueryDays.StartOf(f) : null, toDay is { } t ? QueryDays.StartOf(t.PlusDays(1)) : null, includeVoided ?? false, after,
                Paging.Size(limit, DefaultLimit, MaxLimit));
            var page = await failures.ListAsync(query, cancellationToken);
            return TypedResults.Ok(new LicenceCheckFailurePageResponse([.. page.Shipments.Select(LicenceCheckFailureResponse.From)],
                page.NextAfterSeqId is { } next ? ListCursors.Encode(next.ToString(CultureInfo.InvariantCulture)) : null));
        })
        .WithName("ListLicenceCheckFailures")
        .WithSummary("Chip search by licence-check result: every chip shipped with a failed check (missing, expired, revoked, model_not_covered, quantity_exceeded, consignee_mismatch), in the order recorded, a page at a time, filtered by result, destinationCountry, shipperId, consigneeId, chipId and shipping days (from and to, UTC, inclusive); voided shipments only with includeVoided=true. Read from rule 16's projection. Agencies and the registry only.")
        .WithResponseExample(StatusCodes.Status200OK, new LicenceCheckFailurePageResponse([LicenceCheckFailureResponse.Example], "NDgyMTE"))
        .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status429TooManyRequests);
        return group;
    }
}
