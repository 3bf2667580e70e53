using ChipRegistry.Domain.Assemblies;
using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.Domain.Tests.Chips;
using Npgsql;

namespace ChipRegistry.Domain.Tests.Persistence;

/// <summary>Batches, lot holds and assemblies: one multi-stream append each, all or nothing.</summary>
public sealed class MultiStreamHandlerTests(RegistryStoreFixture fixture) : IClassFixture<RegistryStoreFixture>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static async Task<string[]> RegisterLotAsync(Registry registry, string lotId, int count)
    {
        var chips = Enumerable.Range(1, count).Select(i => $"nvidia:{lotId}-{i:D3}").ToArray();
        var result = await registry.Commands.RegisterLotAsync(
            new RegisterChipLot(ChipWorld.Id(), lotId, CatalogSeed.H100Sxm.ModelId, "TW", ChipWorld.Mfr, ChipWorld.Next()), chips, cancellationToken: Cancel);
        Assert.True(result.IsAccepted, result.Error?.ToString());
        return chips;
    }

    /// <summary>Per stream: its last event's recorded time, correlation id and acting organisation.</summary>
    private static async Task<List<(NodaTime.Instant RecordedAt, string? Correlation, string Acting)>> LastEventsAsync(Registry registry, IEnumerable<string> streamKeys)
    {
        var rows = new List<(NodaTime.Instant, string?, string)>();
        await using var command = registry.DataSource.CreateCommand(
            $"select distinct on (stream_key) recorded_at, correlation_id, acting_organisation from {registry.Table("events")} where stream_key = any ($1) order by stream_key, version desc");
        command.Parameters.Add(new NpgsqlParameter { Value = streamKeys.ToArray() });
        await using var reader = await command.ExecuteReaderAsync(Cancel);
        while (await reader.ReadAsync(Cancel)) rows.Add((reader.GetFieldValue<NodaTime.Instant>(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetString(2)));
        return rows;
    }

    [Fact]
    public async Task a_sale_of_many_chips_with_one_chip_on_hold_appends_nothing_to_any()
    {
        var registry = await fixture.StartAsync();
        var chips = await RegisterLotAsync(registry, "lot-sale", 5);
        (await registry.Commands.HandleAsync(new PlaceChipHold(ChipWorld.Id(), chips[3], "investigation", ChipWorld.Bis, ChipWorld.Next()), cancellationToken: Cancel)).EnsureAccepted();
        var before = await registry.VersionsAsync(chips);

        var refused = await registry.Commands.HandleBatchAsync(
            [.. chips.Select(c => (IChipCommand)new OfferChipSale(ChipWorld.Id(), c, "buyer", ChipWorld.Mfr, ChipWorld.Next()))], cancellationToken: Cancel);

        Assert.Equal(ChipErrors.ChipOnHold, refused.Error?.Code);
        Assert.Contains(chips[3], refused.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(before, await registry.VersionsAsync(chips));
        Assert.Equal(0, await registry.ScalarAsync<long>($"select count(*) from {registry.Table("events")} where type = 'chip_sale_offered'"));
    }

    [Fact]
    public async Task a_sale_of_many_chips_appends_to_every_chip_in_one_transaction_with_one_correlation()
    {
        var registry = await fixture.StartAsync();
        var chips = await RegisterLotAsync(registry, "lot-sold", 5);

        var sold = await registry.Commands.HandleBatchAsync(
            [.. chips.Select(c => (IChipCommand)new OfferChipSale(ChipWorld.Id(), c, "buyer", ChipWorld.Mfr, ChipWorld.Next()))], cancellationToken: Cancel);

        Assert.True(sold.IsAccepted, sold.Error?.ToString());
        Assert.All(chips, c => Assert.Equal(2, sold.VersionOf(c)));
        var last = await LastEventsAsync(registry, chips);
        Assert.Equal(5, last.Count);
        Assert.Single(last.Distinct());
        Assert.Equal("mfr", last[0].Acting);
        Assert.NotNull(last[0].Correlation);
    }

    [Fact]
    public async Task a_lot_hold_by_a_non_agency_appends_nothing_and_an_agency_holds_every_chip_of_the_lot_in_one_append()
    {
        var registry = await fixture.StartAsync();
        var chips = await RegisterLotAsync(registry, "lot-hold", 4);
        var other = await RegisterLotAsync(registry, "lot-other", 1);

        var notAgency = await registry.Commands.HoldLotAsync(ChipWorld.Id(), "lot-hold", "diversion", ChipWorld.Mfr, ChipWorld.Next(), cancellationToken: Cancel);
        Assert.Equal(ChipErrors.NotAgency, notAgency.Error?.Code);
        Assert.Equal(new long[] { 1, 1, 1, 1 }, await registry.VersionsAsync(chips));

        var held = await registry.Commands.HoldLotAsync(ChipWorld.Id(), "lot-hold", "diversion", ChipWorld.Bis, ChipWorld.Next(), cancellationToken: Cancel);
        Assert.True(held.IsAccepted, held.Error?.ToString());
        Assert.Equal(new long[] { 2, 2, 2, 2 }, await registry.VersionsAsync(chips));
        Assert.Single((await LastEventsAsync(registry, chips)).Distinct());
        foreach (var chip in chips) Assert.True((await registry.Reads.FindChipRowAsync(chip, Cancel))!.OnHold);
        Assert.False((await registry.Reads.FindChipRowAsync(other[0], Cancel))!.OnHold);
        Assert.Equal(4, await registry.ScalarAsync<long>($"select count(*) from {registry.Table("chip_state")} where lot_id = 'lot-hold' and on_hold"));
    }

    private static async Task<(string Assembly, string[] Chips)> PackedAssemblyAsync(Registry registry, string name)
    {
        var chips = await RegisterLotAsync(registry, name, 3);
        var assembly = $"{name}-srv";
        (await registry.Commands.HandleAsync(new RegisterAssembly(assembly, AssemblyKind.Server, "SRV-1", "TW", ChipWorld.Mfr, ChipWorld.Next()), cancellationToken: Cancel)).EnsureAccepted();
        var packed = await registry.Commands.HandleAsync(new PackChipsIntoAssembly(ChipWorld.Id(), assembly, chips, ChipWorld.Mfr, ChipWorld.Next()), cancellationToken: Cancel);
        Assert.True(packed.IsAccepted, packed.Error?.ToString());
        return (assembly, chips);
    }

    private static ShipAssembly Ship(string assembly) =>
        new(ChipWorld.Id(), assembly, "US", "op", "op", "op", "op", "op", null,
            new Dictionary<string, AcceleratorSpec> { [CatalogSeed.H100Sxm.ModelId] = CatalogSeed.H100Sxm },
            ChipWorld.Party("op", "US"), ChipWorld.Party("op", "US"), null, null, 0, ChipWorld.Mfr, ChipWorld.Next());

    [Fact]
    public async Task shipping_an_assembly_appends_to_it_and_to_every_packed_chip_in_one_transaction()
    {
        var registry = await fixture.StartAsync();
        var (assembly, chips) = await PackedAssemblyAsync(registry, "asm-ship");
        var streams = chips.Append(StreamKeys.Assembly(assembly)).ToArray();

        var shipped = await registry.Commands.HandleAsync(Ship(assembly), new CommandMetadata { CorrelationId = "ship-42" }, Cancel);

        Assert.True(shipped.IsAccepted, shipped.Error?.ToString());
        Assert.Equal(4, shipped.Append!.Streams.Count);
        var last = await LastEventsAsync(registry, streams);
        Assert.Equal(4, last.Count);
        Assert.Equal((last[0].RecordedAt, "ship-42", "mfr"), Assert.Single(last.Distinct()));
        Assert.IsType<AssemblyShipped>((await registry.Store.ReadStreamAsync(StreamKeys.Assembly(assembly), cancellationToken: Cancel))[^1].Data);
        foreach (var chip in chips)
        {
            var shipment = Assert.IsType<ChipShipped>((await registry.Reads.ReadChipHistoryAsync(chip, cancellationToken: Cancel))[^1].Data);
            Assert.Equal(assembly, shipment.AssemblyId);
            Assert.Equal("in_transit", (await registry.Reads.FindChipRowAsync(chip, Cancel))!.Stage);
        }
        Assert.Equal(AssemblyStage.InTransit, (await registry.Reads.LoadAssemblyAsync(assembly, Cancel)).State!.Stage);

        // the consignee receives it, again in one append to all four streams
        var received = await registry.Commands.HandleAsync(new ReceiveAssembly(ChipWorld.Id(), assembly, "US", ChipWorld.Op, ChipWorld.Next()), cancellationToken: Cancel);
        Assert.True(received.IsAccepted, received.Error?.ToString());
        Assert.Single((await LastEventsAsync(registry, streams)).Distinct());
        Assert.All(chips, c => Assert.Equal(4, received.VersionOf(c)));
    }

    [Fact]
    public async Task chips_shipped_under_a_licence_are_counted_for_its_quantity_check_and_voided_shipments_are_not()
    {
        var registry = await fixture.StartAsync();
        var (assembly, chips) = await PackedAssemblyAsync(registry, "asm-licence");
        var shipment = Ship(assembly) with { AuthorisationNumber = "A123456" };
        Assert.Equal(0, await registry.Reads.CountShippedUnderLicenceAsync("A123456", Cancel));

        (await registry.Commands.HandleAsync(shipment, cancellationToken: Cancel)).EnsureAccepted();

        Assert.Equal(3, await registry.Reads.CountShippedUnderLicenceAsync("A123456", Cancel));
        Assert.Equal(0, await registry.Reads.CountShippedUnderLicenceAsync("A999999", Cancel));
        var shippedEvent = (await registry.Reads.ReadChipHistoryAsync(chips[0], cancellationToken: Cancel))[^1];
        var voided = await registry.Commands.HandleAsync(new VoidChipEvent(ChipWorld.Id(), chips[0], shippedEvent.EventId, "entered twice", ChipWorld.Bis, ChipWorld.Next()), cancellationToken: Cancel);
        Assert.True(voided.IsAccepted, voided.Error?.ToString());
        Assert.Equal(2, await registry.Reads.CountShippedUnderLicenceAsync("A123456", Cancel));
    }

    [Fact]
    public async Task shipping_an_assembly_with_one_held_chip_appends_nothing_to_the_assembly_or_any_chip()
    {
        var registry = await fixture.StartAsync();
        var (assembly, chips) = await PackedAssemblyAsync(registry, "asm-held");
        (await registry.Commands.HandleAsync(new PlaceChipHold(ChipWorld.Id(), chips[1], "investigation", ChipWorld.Bis, ChipWorld.Next()), cancellationToken: Cancel)).EnsureAccepted();
        var streams = chips.Append(StreamKeys.Assembly(assembly)).ToArray();
        var before = await registry.VersionsAsync(streams);

        var refused = await registry.Commands.HandleAsync(Ship(assembly), cancellationToken: Cancel);

        Assert.Equal(ChipErrors.ChipOnHold, refused.Error?.Code);
        Assert.Equal(before, await registry.VersionsAsync(streams));
        Assert.Equal(0, await registry.ScalarAsync<long>($"select count(*) from {registry.Table("events")} where type in ('chip_shipped', 'assembly_shipped')"));
        foreach (var chip in chips) Assert.Equal("in_stock", (await registry.Reads.FindChipRowAsync(chip, Cancel))!.Stage);
    }

    [Fact]
    public async Task chip_search_filters_on_the_projected_columns_and_pages_in_chip_id_order()
    {
        var registry = await fixture.StartAsync();
        var chips = await RegisterLotAsync(registry, "lot-search", 5);
        var sale = await registry.Commands.HandleBatchAsync(
            [.. chips.Take(2).Select(c => (IChipCommand)new OfferChipSale(ChipWorld.Id(), c, "buyer", ChipWorld.Mfr, ChipWorld.Next()))], cancellationToken: Cancel);
        Assert.True(sale.IsAccepted);
        var accepted = await registry.Commands.HandleBatchAsync(
            [.. chips.Take(2).Select(c => (IChipCommand)new AcceptChipSale(ChipWorld.Id(), c, ChipWorld.Buyer, ChipWorld.Next()))], cancellationToken: Cancel);
        Assert.True(accepted.IsAccepted, accepted.Error?.ToString());
        (await registry.Commands.HandleAsync(new PlaceChipHold(ChipWorld.Id(), chips[4], "check", ChipWorld.Bis, ChipWorld.Next()), cancellationToken: Cancel)).EnsureAccepted();
        var reads = registry.Reads;

        Assert.Equal(chips.Take(2), (await reads.SearchChipsAsync(new ChipSearch { OwnerId = "buyer" }, Cancel)).Select(r => r.ChipId));
        Assert.Equal(chips.Skip(2), (await reads.SearchChipsAsync(new ChipSearch { OwnerId = "mfr", Stage = "in_stock", Country = "TW", ModelId = CatalogSeed.H100Sxm.ModelId }, Cancel)).Select(r => r.ChipId));
        Assert.Equal([chips[4]], (await reads.SearchChipsAsync(new ChipSearch { LotId = "lot-search", Flagged = true }, Cancel)).Select(r => r.ChipId));
        Assert.Empty(await reads.SearchChipsAsync(new ChipSearch { FacilityId = "nowhere" }, Cancel));
        var firstPage = await reads.SearchChipsAsync(new ChipSearch { Limit = 3 }, Cancel);
        var secondPage = await reads.SearchChipsAsync(new ChipSearch { Limit = 3, AfterChipId = firstPage[^1].ChipId }, Cancel);
        Assert.Equal(chips, firstPage.Concat(secondPage).Select(r => r.ChipId));
    }
}
