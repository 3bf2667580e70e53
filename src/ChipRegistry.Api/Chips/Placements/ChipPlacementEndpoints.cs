using ChipRegistry.Api.Callers;
using ChipRegistry.Api.Chips.Reads;
using ChipRegistry.Api.Keys;
using ChipRegistry.Api.OpenApi;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.Domain.Projections.Placements;
using NodaTime;

namespace ChipRegistry.Api.Chips.Placements;

public sealed record PlacementResponse(
    int Ordinal, Instant From, Instant? To, string Status, string? ModelId, string? OwnerId, string? CustodianId, string? Country,
    string? FacilityId, string? ClusterId, string? OperatorId, string? TenantId, string? AssemblyId, long StartedBySeqId)
{
    public static PlacementResponse Of(Placement p) => new(
        p.Ordinal, p.From, p.To, Names.Of(p.Status), p.ModelId, p.OwnerId, p.CustodianId, p.Country, p.FacilityId, p.ClusterId, p.OperatorId,
        p.TenantId, p.AssemblyId, p.StartedBySeqId);
}

/// <summary><see cref="ProjectedThroughSeqId"/>: the global sequence number the placement projection had applied up to (null when folded on the spot).</summary>
public sealed record ChipPlacementsResponse(string ChipId, string View, long? ProjectedThroughSeqId, IReadOnlyList<PlacementResponse> Placements);

/// <summary>A chip's stays as one caller may see them: the view, how far the projection had applied (null when folded on the spot), the stays.</summary>
public sealed record VisibleStays(string View, long? ProjectedThroughSeqId, IReadOnlyList<Placement> Stays);

/// <summary>
/// A chip's stays in business time: where it was, who owned, held, ran and rented it, from when until when. Agencies
/// and current parties read the daemon's <c>chip_placements</c>; a former holder gets the stays folded from the
/// stream up to where its holding ended. Visibility is the chip reads' own: anything else is an unknown serial.
/// </summary>
public static class ChipPlacementEndpoints
{
    public static IEndpointRouteBuilder MapChipPlacementEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/v1/chips/{chipId}/placements", async (string chipId, HttpContext context, RegistryReads reads, PlacementReads placements,
            Lifecycle.ChipWrites writes, ChipReadLog log, CancellationToken cancellationToken) =>
        {
            await ChipReadEndpoints.LogIfEverythingReaderAsync(context, log, ChipReadEndpoint.Placements, chipId, null, cancellationToken);
            var visible = await VisibleStaysAsync(chipId, context, reads, placements, writes, cancellationToken);
            return TypedResults.Ok(new ChipPlacementsResponse(chipId, visible.View, visible.ProjectedThroughSeqId, [.. visible.Stays.Select(PlacementResponse.Of)]));
        })
        .WithTags("Chips").RequireAuthorization()
        .WithName("GetChipPlacements")
        .WithSummary("The chip's stays in business time ([from, to), to null while it lasts): status, owner, custodian, country, facility, cluster, operator, tenant and the event that began each. Late reports and voids reshape them. Agencies and current parties read the projection (projectedThroughSeqId says how far it has applied); a former holder sees the stays as they stood when its holding ended.")
        .WithResponseExample(StatusCodes.Status200OK, Example)
        .WithProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound, StatusCodes.Status429TooManyRequests);
        return endpoints;
    }

    /// <summary>
    /// The stays the caller may see: agencies and current parties get the projected ones (with how far the projection
    /// has applied); a former holder gets those folded up to where its holding ended; anyone else the unknown serial's 404.
    /// </summary>
    public static async Task<VisibleStays> VisibleStaysAsync(string chipId, HttpContext context, RegistryReads reads, PlacementReads placements,
        Lifecycle.ChipWrites writes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(reads);
        ArgumentNullException.ThrowIfNull(placements);
        ArgumentNullException.ThrowIfNull(writes);
        var actor = context.User.Actor();
        var snapshot = ChipReadEndpoints.IsChipId(chipId) ? await writes.LoadVisibleAsync(chipId, actor, cancellationToken) : throw new ChipNotFoundException();
        if (context.User.ReadsEverything() || ChipVisibility.IsParty(snapshot.State, actor.OrganisationId))
        {
            var (stays, through) = await placements.LoadAsync(chipId, cancellationToken);
            return new VisibleStays(ChipViews.Current, through, stays);
        }
        var upTo = await reads.VisibleUpToAsync(chipId, actor.OrganisationId, cancellationToken) ?? throw new ChipNotFoundException();
        return new VisibleStays(ChipViews.AsOfYourHolding, null, await placements.FoldUpToAsync(chipId, upTo, cancellationToken));
    }

    private static readonly ChipPlacementsResponse Example = new("nvidia:1652223004561", ChipViews.Current, 48211,
    [
        new PlacementResponse(1, Instant.FromUtc(2025, 6, 1, 0, 0), Instant.FromUtc(2025, 6, 20, 9, 0), "in_stock", "nvidia-h100-sxm5-80gb", "nvidia", "nvidia", "TW",
            null, null, null, null, null, 1201),
        new PlacementResponse(2, Instant.FromUtc(2025, 6, 20, 9, 0), null, "installed", "nvidia-h100-sxm5-80gb", "nvidia", "colossus-ops", "US",
            "memphis-1", "hall-a", "colossus-ops", "tenant-lab", null, 1733),
    ]);
}
