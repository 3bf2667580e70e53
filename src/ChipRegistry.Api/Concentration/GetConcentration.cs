using System.Globalization;
using System.Text;
using ChipRegistry.Api.Callers;
using ChipRegistry.Api.Keys;
using ChipRegistry.Api.OpenApi;
using ChipRegistry.Api.Problems;
using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Projections.Concentration;
using ChipRegistry.EventStore;
using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime;
using Npgsql;

namespace ChipRegistry.Api.Concentration;

/// <summary>
/// Where the compute is, now or as of any past day, read from the daemon's tables (docs/projections.md). Agencies
/// and the registry see every chip; an operator sees only the chips installed in the facilities it runs on that day,
/// in any grouping (what it reports anyway, and nothing about anyone else's sites); other roles are refused as for
/// the other agency reads.
/// </summary>
public static class GetConcentrationEndpoint
{
    public static readonly string[] Roles = [Callers.Callers.RoleOf(OrganisationKind.Operator), Callers.Callers.RoleOf(OrganisationKind.Agency), ApiKeys.AdminRole];

    private static readonly IReadOnlyDictionary<string, ConcentrationGrouping> Groupings = new Dictionary<string, ConcentrationGrouping>(StringComparer.Ordinal)
    {
        ["facility"] = ConcentrationGrouping.Facility,
        ["cluster"] = ConcentrationGrouping.Cluster,
        ["operator"] = ConcentrationGrouping.Operator,
        ["owner"] = ConcentrationGrouping.Owner,
        ["country"] = ConcentrationGrouping.Country,
        ["owner-parent"] = ConcentrationGrouping.OwnerParent,
        ["operator-parent"] = ConcentrationGrouping.OperatorParent,
        ["tenant-parent"] = ConcentrationGrouping.TenantParent,
    };

    /// <summary>The statuses a chip that counts can have (destroyed chips never count).</summary>
    private static readonly string[] Statuses = ["in_stock", "in_transit", "installed", "decommissioned", "missing"];

    public static IEndpointRouteBuilder MapConcentrationEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/v1/concentration/{grouping}", async (string grouping, string? model, string? country, string? status, string? asOf, int? top,
            string? cursor, HttpContext context, IEventStore store, NpgsqlDataSource dataSource, IClock clock, CancellationToken cancellationToken) =>
        {
            if (!Groupings.TryGetValue(grouping, out var by))
            {
                throw new ApiProblemException(StatusCodes.Status404NotFound, "unknown_grouping", "There is no such grouping.",
                    $"grouping is one of {string.Join(", ", Groupings.Keys)}.");
            }
            if (status is not null && !Statuses.Contains(status, StringComparer.Ordinal))
            {
                throw new ApiProblemException(StatusCodes.Status400BadRequest, "invalid_status", "The status is not one a counted chip has.", $"status is one of {string.Join(", ", Statuses)}.");
            }
            var size = Paging.Size(top, 50, 500, Paging.InvalidLimit);
            var day = asOf is null ? clock.GetCurrentInstant().InUtc().Date : QueryDays.Parse(asOf, "asOf", "invalid_as_of");
            (decimal H100Equivalents, string Key)? after = cursor is null ? null : Cursor.Read(cursor);
            var operatorOnly = context.User.ReadsEverything() ? null : context.User.Actor().OrganisationId;

            var answer = await new ConcentrationReads(store.Schema, dataSource)
                .ReadAsync(new ConcentrationQuery(by, day, model, country, status, operatorOnly), cancellationToken);
            var remaining = after is { } position
                ? answer.Groups.SkipWhile(g => g.H100Equivalents > position.H100Equivalents
                    || (g.H100Equivalents == position.H100Equivalents && string.CompareOrdinal(g.Key, position.Key) <= 0)).ToList()
                : answer.Groups;
            var page = remaining.Take(size).ToList();
            var next = remaining.Count > size ? Cursor.Write(page[^1]) : null;
            return TypedResults.Ok(new ConcentrationResponse(grouping, day, answer.ProjectedThrough, [.. page.Select(ConcentrationGroupResponse.Of)], next));
        })
        .WithTags("Concentration").RequireAuthorization(policy => policy.RequireRole(Roles))
        .WithName("GetConcentration")
        .WithSummary("Chips, TPP, H100-equivalents and installed power per facility, cluster, operator, owner, country or ultimate parent (owner-parent, operator-parent, tenant-parent), at the end of a UTC day (asOf, default today), filtered by model, country or status; top groups per page by H100-equivalents, cursor for the next (agencies and the admin: everything; an operator: the chips in its own facilities).")
        .WithResponseExample(StatusCodes.Status200OK, ConcentrationResponse.Example)
        .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status429TooManyRequests);
        return endpoints;
    }

    /// <summary>The position after the last group of a page: its H100-equivalents and key (the order's two columns).</summary>
    private static class Cursor
    {
        public static string Write(ConcentrationGroup last) =>
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{last.H100Equivalents.ToString(CultureInfo.InvariantCulture)}\n{last.Key}"))
                .TrimEnd('=').Replace('+', '-').Replace('/', '_');

        public static (decimal H100Equivalents, string Key) Read(string cursor)
        {
            try
            {
                var base64 = cursor.Replace('-', '+').Replace('_', '/');
                var text = Encoding.UTF8.GetString(Convert.FromBase64String(base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=')));
                var parts = text.Split('\n', 2);
                return parts.Length == 2 && decimal.TryParse(parts[0], NumberStyles.Number, CultureInfo.InvariantCulture, out var h100e)
                    ? (h100e, parts[1])
                    : throw Paging.InvalidCursor();
            }
            catch (FormatException)
            {
                throw Paging.InvalidCursor();
            }
        }
    }
}
