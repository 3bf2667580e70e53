using ChipRegistry.Api.Keys;
using ChipRegistry.Api.OpenApi;
using ChipRegistry.Api.Problems;
using ChipRegistry.EventStore;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChipRegistry.Api.Projections;

/// <summary>
/// Rebuilds of the async projections as resources, for the registry's administrators only: a rebuild replays the
/// whole log and is an operations act, not a read (agencies read the projections, they do not run them).
/// </summary>
public static class ProjectionAdminEndpoints
{
    public const string ProjectionNotFound = "projection_not_found";
    public const string RebuildNotFound = "rebuild_not_found";
    public const string RebuildRunning = "rebuild_running";

    public static IEndpointRouteBuilder MapProjectionAdminEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/v1/admin/projections").WithTags("Projections").RequireAuthorization(ApiKeyAuthentication.AdminPolicy);

        group.MapPost("/{name}/rebuild", async Task<Results<Accepted<RebuildResponse>, ProblemHttpResult>> (string name, ProjectionDaemon daemon, CancellationToken cancellationToken) =>
        {
            Known(daemon, name);
            var request = await daemon.RequestRebuildAsync(name, cancellationToken);
            var rebuild = RebuildResponse.From(request.Rebuild);
            if (request.Started)
            {
                return TypedResults.Accepted(rebuild.Self, rebuild);
            }
            // The unfinished one is the answer's subject: its link, so a client follows it instead of starting another.
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "A rebuild of this projection is already under way.",
                detail: $"Rebuild {rebuild.RebuildId} is {rebuild.State}; follow it at {rebuild.Self}.",
                type: ApiProblems.TypeFor(RebuildRunning),
                extensions: new Dictionary<string, object?> { ["code"] = RebuildRunning, ["rebuild"] = rebuild.Self });
        })
        .WithName("RebuildProjection")
        .WithSummary("Rebuild an async projection from zero in shadow tables while appends go on, then swap it in; 202 with the rebuild to follow. One unfinished rebuild per projection: a second request is 409 with the first's link.")
        .WithResponseExample(StatusCodes.Status202Accepted, RebuildResponse.Example)
        .WithProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status429TooManyRequests);

        group.MapGet("/{name}/rebuilds/{rebuildId}", async Task<Ok<RebuildResponse>> (string name, string rebuildId, ProjectionDaemon daemon, CancellationToken cancellationToken) =>
        {
            Known(daemon, name);
            var rebuild = long.TryParse(rebuildId, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id)
                ? await daemon.GetRebuildAsync(id, cancellationToken)
                : null;
            return rebuild is not null && rebuild.Projection == name
                ? TypedResults.Ok(RebuildResponse.From(rebuild))
                : throw new ApiProblemException(StatusCodes.Status404NotFound, RebuildNotFound, "No such rebuild of this projection.", $"'{rebuildId}' is not a rebuild of '{name}'.");
        })
        .WithName("GetProjectionRebuild")
        .WithSummary("A rebuild: state (queued, running, swapping, done, failed), sequence numbers replayed of the mark's total, estimated end, and once done the checkpoint swapped in and the events left in dead letters.")
        .WithResponseExample(StatusCodes.Status200OK, RebuildResponse.Example)
        .WithProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status429TooManyRequests);

        return endpoints;
    }

    private static void Known(ProjectionDaemon daemon, string name)
    {
        if (!daemon.Projections.Any(p => p.Name == name))
        {
            throw new ApiProblemException(StatusCodes.Status404NotFound, ProjectionNotFound, "No async projection has this name.",
                $"Use one of: {string.Join(", ", daemon.Projections.Select(p => p.Name).Order(StringComparer.Ordinal))}.");
        }
    }
}
