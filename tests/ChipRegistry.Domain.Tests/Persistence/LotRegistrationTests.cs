using System.Runtime.CompilerServices;
using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.Domain.Tests.Chips;

namespace ChipRegistry.Domain.Tests.Persistence;

/// <summary>Lots go through the store's bulk COPY path, streamed, all or nothing.</summary>
public sealed class LotRegistrationTests(RegistryStoreFixture fixture) : IClassFixture<RegistryStoreFixture>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static string Serial(int n) => $"nvidia:{1_652_223_000_000 + n}";

    /// <summary>Chip ids as a request body would deliver them: one at a time, asynchronously.</summary>
    private static async IAsyncEnumerable<string> Streamed(int from, int count, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var n = from; n < from + count; n++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (n % 1000 == 0) await Task.Yield();
            yield return Serial(n);
        }
    }

    private static RegisterChipLot Lot(string lotId) => new(ChipWorld.Id(), lotId, CatalogSeed.H100Sxm.ModelId, "TW", ChipWorld.Mfr, ChipWorld.Next());

    [Fact]
    public async Task a_ten_thousand_chip_lot_registers_through_the_bulk_path_and_an_overlapping_lot_is_rejected_whole_naming_the_overlap()
    {
        var registry = await fixture.StartAsync();

        var registered = await registry.Commands.RegisterLotAsync(Lot("lot-10k"), Streamed(0, 10_000, Cancel), cancellationToken: Cancel);

        Assert.True(registered.IsAccepted, registered.Error?.ToString());
        Assert.Equal((10_000L, 10_000L), (registered.Bulk!.StreamCount, registered.Bulk.EventCount));
        Assert.Equal(10_000, await registry.ScalarAsync<long>($"select count(*) from {registry.Table("chip_state")} where lot_id = 'lot-10k' and stage = 'in_stock' and owner_id = 'mfr' and version = 1"));
        var one = await registry.Reads.LoadChipAsync(Serial(4_321), Cancel);
        Assert.Equal((ChipStage.InStock, "lot-10k", 1L), (one.State.Stage, one.State.LotId, one.Version));
        Assert.Equal(one, await registry.Reads.FoldChipStreamAsync(Serial(4_321), cancellationToken: Cancel));

        var overlapping = await registry.Commands.RegisterLotAsync(Lot("lot-overlap"), Streamed(9_990, 30, Cancel), cancellationToken: Cancel);

        Assert.Equal(ChipErrors.ChipAlreadyRegistered, overlapping.Error?.Code);
        Assert.Equal(Enumerable.Range(9_990, 10).Select(Serial), overlapping.ConflictingStreams);
        Assert.Contains(Serial(9_990), overlapping.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(0, await registry.ScalarAsync<long>($"select count(*) from {registry.Table("chip_state")} where lot_id = 'lot-overlap'"));
        Assert.Equal(0, await registry.Store.FetchStreamVersionAsync(Serial(10_000), Cancel));
        Assert.Equal(10_000, await registry.ScalarAsync<long>($"select count(*) from {registry.Table("events")}"));
    }

    [Fact]
    public async Task a_sighting_of_an_unregistered_serial_is_kept_apart_and_does_not_stop_the_manufacturer_registering_it_later()
    {
        var registry = await fixture.StartAsync();
        var serial = Serial(700_001);

        var sighting = await registry.Commands.HandleAsync(
            new ReportChipObservation(ChipWorld.Id(), serial, "sighting", null, "AE", "seen in a crate at Jebel Ali", ChipWorld.Stranger, ChipWorld.Next()), cancellationToken: Cancel);
        var lot = await registry.Commands.RegisterLotAsync(Lot("lot-after-sighting"), [serial], cancellationToken: Cancel);

        Assert.True(sighting.IsAccepted, sighting.Error?.ToString());
        Assert.True(lot.IsAccepted, lot.Error?.ToString());
        var observed = Assert.IsType<ChipObserved>(Assert.Single((await registry.Store.ReadStreamAsync(
            ChipRegistry.Domain.Persistence.StreamKeys.UnregisteredSightings(serial), cancellationToken: Cancel))).Data);
        Assert.Equal((serial, ConflictCodes.UnregisteredChip), (observed.ChipId, observed.ConflictCode));
        var chip = await registry.Reads.LoadChipAsync(serial, Cancel);
        Assert.Equal((ChipStage.InStock, 1L, 0), (chip.State.Stage, chip.Version, chip.State.Observations));
        Assert.Equal(0, await registry.ScalarAsync<long>($"select count(*) from {registry.Table("chip_state")} where chip_id like 'unregistered%'"));
    }

    [Fact]
    public async Task every_projection_passes_a_sighting_of_an_unregistered_serial_without_a_dead_letter()
    {
        var registry = await fixture.StartAsync();
        var serial = Serial(700_002);
        (await registry.Commands.HandleAsync(
            new ReportChipObservation(ChipWorld.Id(), serial, "sighting", null, "AE", "seen in a crate at Jebel Ali", ChipWorld.Stranger, ChipWorld.Next()),
            cancellationToken: Cancel)).EnsureAccepted();
        (await registry.Commands.RegisterLotAsync(Lot("lot-after-sighting"), [serial], cancellationToken: Cancel)).EnsureAccepted();

        // The sighting's chip event lives on a stream that is not the chip's: no chip fold may take that stream for a chip.
        using var daemon = new ChipRegistry.EventStore.ProjectionDaemon(registry.Store, new ChipRegistry.EventStore.ProjectionDaemonOptions
        {
            Projections = ChipRegistry.Domain.Projections.RegistryProjections.All(),
            PollInterval = TimeSpan.FromMilliseconds(100),
        });
        await daemon.StartAsync(Cancel);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
            timeout.CancelAfter(TimeSpan.FromMinutes(2));
            await daemon.WaitForCatchUpAsync(timeout.Token);
            Assert.Equal("", await registry.ScalarAsync<string>(
                $"select coalesce(string_agg(projection || ': ' || error, ' // '), '') from {registry.Table("dead_letters")}"));
        }
        finally
        {
            await daemon.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task a_lot_naming_a_chip_twice_or_registered_by_a_non_manufacturer_is_rejected_and_appends_nothing()
    {
        var registry = await fixture.StartAsync();

        var twice = await registry.Commands.RegisterLotAsync(Lot("lot-twice"), [Serial(1), Serial(2), Serial(1)], cancellationToken: Cancel);
        var notManufacturer = await registry.Commands.RegisterLotAsync(Lot("lot-op") with { Actor = ChipWorld.Op }, [Serial(3)], cancellationToken: Cancel);
        var empty = await registry.Commands.RegisterLotAsync(Lot("lot-empty"), Array.Empty<string>(), cancellationToken: Cancel);

        Assert.Equal(RegisterChipLot.DuplicateSerial, twice.Error?.Code);
        Assert.Equal(ChipErrors.NotManufacturer, notManufacturer.Error?.Code);
        Assert.Equal(RegisterChipLot.LotEmpty, empty.Error?.Code);
        Assert.Equal(0, await registry.ScalarAsync<long>($"select count(*) from {registry.Table("events")}"));
        Assert.Equal(0, await registry.ScalarAsync<long>($"select count(*) from {registry.Table("streams")}"));
    }
}
