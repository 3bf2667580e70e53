using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.Domain.Projections;
using ChipRegistry.Domain.Projections.Inventories;
using ChipRegistry.Domain.Tests.Chips;
using ChipRegistry.Domain.Tests.Persistence;
using ChipRegistry.EventStore;
using NodaTime;

namespace ChipRegistry.Domain.Tests.Projections;

/// <summary>
/// An organisation's inventory read from chip_placements after the daemon applied hand-built lives: installed and idle
/// chips, idle since the receipt or the removal that began the idle run, and what does not count (a chip still in
/// transit, a receipt reported by someone else, a voided receipt, a chip returned under an RMA).
/// </summary>
public sealed class InventoryReadsTests(RegistryStoreFixture fixture) : IClassFixture<RegistryStoreFixture>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static async Task<Guid> RunAsync(Registry registry, IChipCommand command)
    {
        (await registry.Commands.HandleAsync(command, cancellationToken: Cancel)).EnsureAccepted();
        return command.EventId;
    }

    private static async Task<string> ShippedToOpAsync(Registry registry, string name)
    {
        var chipId = $"nvidia:inv-{name}-{Guid.NewGuid():N}";
        await RunAsync(registry, new RegisterChip(ChipWorld.Id(), chipId, CatalogSeed.H100Sxm.ModelId, "lot-i", "TW", ChipWorld.Mfr, ChipWorld.Next()));
        await RunAsync(registry, ChipWorld.Ship((await registry.Reads.LoadChipAsync(chipId, Cancel)).State, ChipWorld.Mfr));
        return chipId;
    }

    private static async Task<Instant> ReceivedByOpAsync(Registry registry, string chipId)
    {
        var at = ChipWorld.Next();
        await RunAsync(registry, new ReceiveChip(ChipWorld.Id(), chipId, "US", ChipWorld.Op, at));
        return at;
    }

    [Fact]
    public async Task delivered_installed_and_idle_since_follow_receipts_installations_removals_voids_and_returns()
    {
        var registry = await fixture.StartAsync();
        var installed = await ShippedToOpAsync(registry, "installed");
        await ReceivedByOpAsync(registry, installed);
        await RunAsync(registry, new InstallChip(ChipWorld.Id(), installed, ChipWorld.FacilityOf("op"), "c1", "r1", ChipWorld.Op, ChipWorld.Next()));

        var idle = await ShippedToOpAsync(registry, "idle");
        var idleSince = await ReceivedByOpAsync(registry, idle);

        // Installed, then removed: idle again from the removal, not from the receipt.
        var removed = await ShippedToOpAsync(registry, "removed");
        await ReceivedByOpAsync(registry, removed);
        await RunAsync(registry, new InstallChip(ChipWorld.Id(), removed, ChipWorld.FacilityOf("op"), "c1", "r1", ChipWorld.Op, ChipWorld.Next()));
        var removedAt = ChipWorld.Next();
        await RunAsync(registry, new RemoveChip(ChipWorld.Id(), removed, "spare", ChipWorld.Op, removedAt));

        // Received by someone other than the named consignee: an observation; the chip is still in transit.
        var elsewhere = await ShippedToOpAsync(registry, "elsewhere");
        await RunAsync(registry, new ReceiveChip(ChipWorld.Id(), elsewhere, "US", ChipWorld.Stranger, ChipWorld.Next()));

        // A receipt voided by its recorder: in transit again.
        var voided = await ShippedToOpAsync(registry, "voided");
        var receipt = ChipWorld.Id();
        await RunAsync(registry, new ReceiveChip(receipt, voided, "US", ChipWorld.Op, ChipWorld.Next()));
        await RunAsync(registry, new VoidChipEvent(ChipWorld.Id(), voided, receipt, "wrong pallet", ChipWorld.Op, ChipWorld.Next()));

        // Returned under an RMA and received back by the manufacturer: its inventory, not the operator's.
        var returned = await ShippedToOpAsync(registry, "returned");
        await ReceivedByOpAsync(registry, returned);
        await RunAsync(registry, new ReturnChip(ChipWorld.Id(), returned, "RMA-1", "TW", ChipWorld.Op, ChipWorld.Next()));
        var backAt = ChipWorld.Next();
        await RunAsync(registry, new ReceiveChip(ChipWorld.Id(), returned, "TW", ChipWorld.Mfr, backAt));

        using var daemon = new ProjectionDaemon(registry.Store, new ProjectionDaemonOptions { Projections = RegistryProjections.All(), BatchSize = 4 });
        await daemon.StartAsync(Cancel);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
            timeout.CancelAfter(TimeSpan.FromMinutes(2));
            await daemon.WaitForCatchUpAsync(timeout.Token);
        }
        finally
        {
            await daemon.StopAsync(CancellationToken.None);
        }

        var inventories = new InventoryReads(registry.Reads, registry.DataSource);
        var op = await inventories.LoadAsync("op", 10, Cancel);
        var model = Assert.Single(op.Models);
        Assert.Equal((CatalogSeed.H100Sxm.ModelId, 3L, 1L, 2L, (Instant?)idleSince), (model.ModelId, model.Delivered, model.Installed, model.Idle, model.OldestIdleSince));
        Assert.Equal([(idle, idleSince), (removed, removedAt)], op.OldestIdle.Select(c => (c.ChipId, c.IdleSince)));
        Assert.True(op.ProjectedThroughSeqId > 0);

        var maker = await inventories.LoadAsync("mfr", 10, Cancel);
        Assert.Equal((returned, backAt), maker.OldestIdle.Select(c => (c.ChipId, c.IdleSince)).Single());
        Assert.Empty((await inventories.LoadAsync(ChipWorld.Stranger.OrganisationId, 10, Cancel)).Models);
    }
}
