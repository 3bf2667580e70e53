using ChipRegistry.Api.Callers;
using ChipRegistry.Api.Keys;
using ChipRegistry.Api.OpenApi;
using ChipRegistry.Api.Problems;
using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.Domain.Projections.Inventories;
using NodaTime;

namespace ChipRegistry.Api.Organisations.Inventory;

public sealed record ModelInventoryResponse(string? ModelId, long Delivered, long Installed, long Idle, Instant? OldestIdleSince);

public sealed record IdleChipResponse(string ChipId, string? ModelId, Instant IdleSince);

/// <summary><see cref="ProjectedThroughSeqId"/>: the global sequence number the placement projection had applied up to.</summary>
public sealed record InventoryResponse(
    string OrganisationId, long ProjectedThroughSeqId, IReadOnlyList<ModelInventoryResponse> Models, IReadOnlyList<IdleChipResponse> OldestIdle);

/// <summary>
/// An organisation's chips now, by model: delivered (in its custody, in stock or installed), installed, idle (in
/// stock) and since when. Agencies and the registry read any organisation's; an organisation its own; for anyone
/// else the answer is the one an unregistered organisation gets.
/// </summary>
public static class ReadInventoryEndpoints
{
    private const int DefaultIdle = 50;
    private const int MaxIdle = 500;

    public static RouteHandlerBuilder MapGetInventory(this RouteGroupBuilder group) =>
        group.MapGet("/{organisationId}/inventory", async (string organisationId, int? limit, HttpContext context, RegistryReads reads,
            InventoryReads inventories, CancellationToken cancellationToken) =>
        {
            var size = Paging.Size(limit, DefaultIdle, MaxIdle);
            // The caller's own organisation needs no look-up (the registry's built-in one has no directory entry).
            var own = context.User.OrganisationId() == organisationId;
            if (!own && (!context.User.ReadsEverything() || (await reads.LoadOrganisationAsync(organisationId, cancellationToken)).State is null))
            {
                throw DomainProblems.ToProblem(new DomainError(OrganisationErrors.OrganisationNotRegistered, $"organisation '{organisationId}' is not registered"));
            }
            var inventory = await inventories.LoadAsync(organisationId, size, cancellationToken);
            return TypedResults.Ok(new InventoryResponse(organisationId, inventory.ProjectedThroughSeqId,
                [.. inventory.Models.Select(m => new ModelInventoryResponse(m.ModelId, m.Delivered, m.Installed, m.Idle, m.OldestIdleSince))],
                [.. inventory.OldestIdle.Select(c => new IdleChipResponse(c.ChipId, c.ModelId, c.IdleSince))]));
        })
        .WithName("GetOrganisationInventory")
        .WithSummary("The organisation's chips now, by model: delivered (in its custody: in stock or installed), installed, idle (in stock) and the oldest idle-since; oldestIdle lists the longest-idle chips (limit, default 50, at most 500) with the start of each one's idle run. Read from the placement projection (projectedThroughSeqId). Agencies and the registry read any organisation's, an organisation its own; anyone else gets the 404 of an unregistered organisation.")
        .WithResponseExample(StatusCodes.Status200OK, Example)
        .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound, StatusCodes.Status429TooManyRequests);

    private static readonly InventoryResponse Example = new("colossus-ops", 48211,
        [new ModelInventoryResponse("nvidia-h100-sxm5-80gb", 1200, 1150, 50, Instant.FromUtc(2026, 3, 2, 10, 0))],
        [new IdleChipResponse("nvidia:1652223004561", "nvidia-h100-sxm5-80gb", Instant.FromUtc(2026, 3, 2, 10, 0))]);
}
