using ChipRegistry.Api.Chips.Placements;
using ChipRegistry.Api.Chips.Reads;
using ChipRegistry.Api.OpenApi;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.Domain.Projections.Custody;
using ChipRegistry.Domain.Projections.Placements;
using NodaTime;

namespace ChipRegistry.Api.Chips.Custody;

/// <summary>The event that began a custody step: its global sequence number, stored type and business time.</summary>
public sealed record CustodyEventResponse(long SeqId, string Type, Instant OccurredAt);

public sealed record CustodyStepResponse(int Ordinal, Instant From, Instant? To, string? OwnerId, string? CustodianId, CustodyEventResponse Event);

/// <summary><see cref="ProjectedThroughSeqId"/>: the global sequence number the placement projection had applied up to (null when folded on the spot).</summary>
public sealed record ChipCustodyResponse(string ChipId, string View, long? ProjectedThroughSeqId, IReadOnlyList<CustodyStepResponse> Custody);

/// <summary>
/// A chip's custody chain in business time: owner and physical custodian over each interval, with the event behind
/// each change. The chain is the chip's stays (the placements endpoint's, under the same visibility) with consecutive
/// stays of the same owner and custodian collapsed.
/// </summary>
public static class ChipCustodyEndpoints
{
    public static IEndpointRouteBuilder MapChipCustodyEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/v1/chips/{chipId}/custody", async (string chipId, HttpContext context, RegistryReads reads, PlacementReads placements,
            CustodyReads custody, Lifecycle.ChipWrites writes, ChipReadLog log, CancellationToken cancellationToken) =>
        {
            await ChipReadEndpoints.LogIfEverythingReaderAsync(context, log, ChipReadEndpoint.Custody, chipId, null, cancellationToken);
            var visible = await ChipPlacementEndpoints.VisibleStaysAsync(chipId, context, reads, placements, writes, cancellationToken);
            var steps = CustodyChain.Of(visible.Stays);
            var causes = await custody.CausesAsync(steps, cancellationToken);
            return TypedResults.Ok(new ChipCustodyResponse(chipId, visible.View, visible.ProjectedThroughSeqId,
                [.. steps.Select(s => new CustodyStepResponse(s.Ordinal, s.From, s.To, s.OwnerId, s.CustodianId, Cause(causes, s)))]));
        })
        .WithTags("Chips").RequireAuthorization()
        .WithName("GetChipCustody")
        .WithSummary("The chip's custody chain in business time ([from, to), to null while it lasts): owner and physical custodian over each interval and the event that began it (seq id, type, occurredAt). Late reports and voids reshape it. Visibility and views as for the chip's placements.")
        .WithResponseExample(StatusCodes.Status200OK, Example)
        .WithProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound, StatusCodes.Status429TooManyRequests);
        return endpoints;
    }

    /// <summary>Every step's event is one of the chip's own, committed before the stay that names it was written.</summary>
    private static CustodyEventResponse Cause(IReadOnlyDictionary<long, CustodyCause> causes, CustodyStep step)
    {
        var cause = causes[step.StartedBySeqId];
        return new CustodyEventResponse(cause.SeqId, cause.Type, cause.OccurredAt);
    }

    private static readonly ChipCustodyResponse Example = new("nvidia:1652223004561", ChipViews.Current, 48211,
    [
        new CustodyStepResponse(1, Instant.FromUtc(2025, 6, 1, 0, 0), Instant.FromUtc(2025, 6, 10, 8, 0), "nvidia", "nvidia",
            new CustodyEventResponse(1201, "chip_fabricated", Instant.FromUtc(2025, 6, 1, 0, 0))),
        new CustodyStepResponse(2, Instant.FromUtc(2025, 6, 10, 8, 0), Instant.FromUtc(2025, 6, 20, 9, 0), "colossus-ops", "nvidia",
            new CustodyEventResponse(1544, "chip_sale_accepted", Instant.FromUtc(2025, 6, 10, 8, 0))),
        new CustodyStepResponse(3, Instant.FromUtc(2025, 6, 20, 9, 0), null, "colossus-ops", "colossus-ops",
            new CustodyEventResponse(1733, "chip_received", Instant.FromUtc(2025, 6, 20, 9, 0))),
    ]);
}
