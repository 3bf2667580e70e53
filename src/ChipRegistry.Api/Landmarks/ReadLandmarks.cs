using ChipRegistry.Api.OpenApi;
using ChipRegistry.Api.Problems;
using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Detection.Landmarks;
using ChipRegistry.EventStore;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChipRegistry.Api.Landmarks;

public static class ReadLandmarksEndpoints
{
    public const int MaxLimit = 200;

    public static RouteHandlerBuilder MapGetLandmark(this RouteGroupBuilder group) =>
        group.MapGet("/{landmarkId}", async Task<Ok<LandmarkResponse>> (string landmarkId, IEventStore store, CancellationToken cancellationToken) =>
            (await LandmarkCommands.LoadAsync(store, landmarkId, cancellationToken)).State is { } landmark
                ? TypedResults.Ok(LandmarkResponse.From(landmark))
                : throw DomainProblems.ToProblem(new DomainError(LandmarkErrors.LandmarkNotRegistered, $"landmark '{landmarkId}' is not registered")))
        .RequireAuthorization(policy => policy.RequireRole(LandmarkEndpoints.ReaderRoles))
        .WithName("GetLandmark")
        .WithSummary("One landmark: id, name, position, who registered it and when.")
        .WithResponseExample(StatusCodes.Status200OK, LandmarkResponse.Example)
        .WithProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status429TooManyRequests);

    public static RouteHandlerBuilder MapListLandmarks(this RouteGroupBuilder group) =>
        group.MapGet("", async Task<Ok<LandmarkPage>> (string? cursor, int? limit, IEventStore store, CancellationToken cancellationToken) =>
        {
            var size = Paging.Size(limit, 50, MaxLimit);
            var (page, more) = await LandmarkCommands.ListAsync(store, ListCursors.Decode(cursor), size, cancellationToken);
            return TypedResults.Ok(new LandmarkPage([.. page.Select(LandmarkResponse.From)], more && page.Count > 0 ? ListCursors.Encode(page[^1].Id) : null));
        })
        .RequireAuthorization(policy => policy.RequireRole(LandmarkEndpoints.ReaderRoles))
        .WithName("ListLandmarks")
        .WithSummary("Landmarks in id order, a page at a time (keyset cursor; next is null on the last page).")
        .WithResponseExample(StatusCodes.Status200OK, new LandmarkPage([LandmarkResponse.Example], null))
        .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status429TooManyRequests);
}
