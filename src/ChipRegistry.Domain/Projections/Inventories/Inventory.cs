using NodaTime;

namespace ChipRegistry.Domain.Projections.Inventories;

/// <summary>
/// One model in an organisation's custody now: <see cref="Delivered"/> chips it holds (in stock or installed),
/// <see cref="Installed"/> of them installed, <see cref="Idle"/> in stock, and since when the longest-idle one has been.
/// </summary>
public sealed record ModelInventory(string? ModelId, long Delivered, long Installed, long Idle, Instant? OldestIdleSince);

/// <summary>A chip in stock at the organisation, and the start of its uninterrupted idle run there.</summary>
public sealed record IdleChip(string ChipId, string? ModelId, Instant IdleSince);

public sealed record Inventory(IReadOnlyList<ModelInventory> Models, IReadOnlyList<IdleChip> OldestIdle, long ProjectedThroughSeqId);
