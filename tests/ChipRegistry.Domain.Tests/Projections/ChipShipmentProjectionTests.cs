using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.Domain.Projections;
using ChipRegistry.Domain.Projections.Ledgers;
using ChipRegistry.Domain.Projections.Placements;
using ChipRegistry.Domain.Tests.Chips;
using ChipRegistry.Domain.Tests.Persistence;
using ChipRegistry.EventStore;
using NodaTime;

namespace ChipRegistry.Domain.Tests.Projections;

/// <summary>
/// chip_shipments on the daemon and the ledgers read from it, against lives driven through the registry's handlers:
/// a shipment delivered and one received by someone else, an export to Hong Kong, an RMA return then re-export, a
/// voided shipment, a shipment reported late into the previous year, and a backdated parent change that regroups a
/// consignee's shipments with no chip re-folded. The table equals a fresh fold of each stream, also after a rebuild.
/// </summary>
public sealed class ChipShipmentProjectionTests(RegistryStoreFixture fixture) : IClassFixture<RegistryStoreFixture>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static readonly Actor Nvidia = new("nvidia", OrganisationKind.Manufacturer);
    private static readonly Actor UsOp = new("us-op", OrganisationKind.Operator);
    private static readonly Actor HkTrader = new("hk-trader", OrganisationKind.Distributor);
    private static readonly Actor SgSub = new("sg-sub", OrganisationKind.Distributor);
    private static readonly Instant Recorded = Instant.FromUtc(2024, 1, 1, 0, 0);

    private static Instant On(int year, int month, int day) => Instant.FromUtc(year, month, day, 12, 0);

    private static async Task<Guid> RunAsync(Registry registry, IChipCommand command)
    {
        (await registry.Commands.HandleAsync(command, cancellationToken: Cancel)).EnsureAccepted();
        return command.EventId;
    }

    private static async Task OrganisationAsync(Registry registry, Actor organisation, string country) =>
        (await registry.Commands.HandleAsync(new RegisterOrganisation(organisation.OrganisationId, organisation.OrganisationId, organisation.Kind, country,
            new LocalDate(2020, 1, 1), BuiltInOrganisations.RegistryAdmin, Recorded), cancellationToken: Cancel)).EnsureAccepted();

    private static async Task ParentAsync(Registry registry, string id, string? parent, LocalDate from) =>
        (await registry.Commands.HandleAsync(new ChangeOrganisationParent(id, parent, from, BuiltInOrganisations.RegistryAdmin, Recorded), cancellationToken: Cancel)).EnsureAccepted();

    private static async Task<string> MadeAsync(Registry registry, string name, Instant at)
    {
        var chipId = $"nvidia:ledger-{name}-{Guid.NewGuid():N}";
        await RunAsync(registry, new RegisterChip(ChipWorld.Id(), chipId, CatalogSeed.H100Sxm.ModelId, "lot-l", "TW", Nvidia, at));
        return chipId;
    }

    private static ShipChip Ship(string chipId, Actor shipper, string consignee, string country, Instant at) =>
        new(ChipWorld.Id(), chipId, country, consignee, consignee, consignee, consignee, consignee, null, ChipWorld.Context(consignee, country), shipper, at);

    private static async Task<IReadOnlyList<ShipmentFact>> ExpectedAsync(Registry registry, string chipId)
    {
        var stream = await registry.Store.ReadStreamAsync(StreamKeys.Chip(chipId), 1, null, Cancel);
        return ShipmentFold.Of(chipId, [.. stream.Where(e => e.Data is IChipEvent).Select(e => new SequencedChipEvent(e.SeqId, (IChipEvent)e.Data))]);
    }

    private static async Task<IReadOnlyList<string>> RowsAsync(Registry registry, string chipId)
    {
        var rows = new List<string>();
        await using var command = registry.DataSource.CreateCommand(
            $"""
            select ordinal, seq_id, kind, shipped_at, model_id, exporter_id, origin_country, destination_country, consignee_id, received_at, receipt_country
            from {registry.Table(ChipShipmentProjection.TableName)} where chip_id = $1 order by ordinal
            """);
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = chipId });
        await using var reader = await command.ExecuteReaderAsync(Cancel);
        while (await reader.ReadAsync(Cancel))
        {
            var values = new object?[reader.FieldCount];
            for (var i = 0; i < values.Length; i++) values[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(string.Join("|", values.Select(v => v switch { Instant at => at.ToString(), null => "", _ => v.ToString() })));
        }
        return rows;
    }

    private static IReadOnlyList<string> AsRows(IEnumerable<ShipmentFact> facts) =>
        [.. facts.Select(f => string.Join("|", new object?[]
        {
            f.Ordinal, f.SeqId, f.Kind, f.ShippedAt.ToString(), f.ModelId, f.ExporterId, f.OriginCountry, f.DestinationCountry, f.ConsigneeId,
            f.ReceivedAt?.ToString(), f.ReceiptCountry,
        }.Select(v => v?.ToString() ?? "")))];

    private static string[] Describe(IEnumerable<ShipmentLedgerRow> rows) =>
        [.. rows.Select(r => $"{r.Key}@{r.Country} {r.Chips} {r.H100Equivalents.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)}")];

    [Fact]
    public async Task the_ledgers_count_shipments_by_year_country_parent_and_the_china_us_ratio_through_voids_rma_late_reports_and_parent_changes()
    {
        var registry = await fixture.StartAsync();
        foreach (var (organisation, country) in new[] { (Nvidia, "US"), (UsOp, "US"), (HkTrader, "HK"), (SgSub, "SG"), (new Actor("cn-group", OrganisationKind.Distributor), "CN") })
        {
            await OrganisationAsync(registry, organisation, country);
        }
        await ParentAsync(registry, SgSub.OrganisationId, "cn-group", new LocalDate(2025, 1, 1));
        (await registry.Commands.HandleAsync(new RegisterAcceleratorModel(CatalogSeed.H100Sxm, Nvidia, On(2024, 1, 1)), cancellationToken: Cancel)).EnsureAccepted();

        // Delivered to a US consignee.
        var delivered = await MadeAsync(registry, "delivered", On(2026, 1, 20));
        await RunAsync(registry, Ship(delivered, Nvidia, UsOp.OrganisationId, "US", On(2026, 2, 1)));
        await RunAsync(registry, new ReceiveChip(ChipWorld.Id(), delivered, "US", UsOp, On(2026, 2, 5)));
        // Shipped to the US, but the receipt comes from someone other than the consignee: not delivered.
        var elsewhere = await MadeAsync(registry, "elsewhere", On(2026, 1, 20));
        await RunAsync(registry, Ship(elsewhere, Nvidia, UsOp.OrganisationId, "US", On(2026, 2, 1)));
        await RunAsync(registry, new ReceiveChip(ChipWorld.Id(), elsewhere, "US", ChipWorld.Stranger, On(2026, 2, 5)));
        // Exported to Hong Kong.
        var hk = await MadeAsync(registry, "hk", On(2026, 1, 20));
        await RunAsync(registry, Ship(hk, Nvidia, HkTrader.OrganisationId, "HK", On(2026, 2, 2)));
        // Delivered to the US, returned under an RMA, re-exported to Singapore by the manufacturer.
        var rma = await MadeAsync(registry, "rma", On(2026, 1, 20));
        await RunAsync(registry, Ship(rma, Nvidia, UsOp.OrganisationId, "US", On(2026, 1, 25)));
        await RunAsync(registry, new ReceiveChip(ChipWorld.Id(), rma, "US", UsOp, On(2026, 1, 26)));
        await RunAsync(registry, new ReturnChip(ChipWorld.Id(), rma, "RMA-9", "TW", UsOp, On(2026, 2, 10)));
        await RunAsync(registry, new ReceiveChip(ChipWorld.Id(), rma, "TW", Nvidia, On(2026, 2, 15)));
        await RunAsync(registry, Ship(rma, Nvidia, SgSub.OrganisationId, "SG", On(2026, 2, 20)));
        // Shipped to Hong Kong, then voided by its recorder.
        var voided = await MadeAsync(registry, "voided", On(2026, 1, 20));
        var mistaken = await RunAsync(registry, Ship(voided, Nvidia, HkTrader.OrganisationId, "HK", On(2026, 2, 3)));

        using var daemon = new ProjectionDaemon(registry.Store, new ProjectionDaemonOptions
        {
            Projections = RegistryProjections.All(),
            BatchSize = 3,
            PollInterval = TimeSpan.FromMilliseconds(100),
        });
        await daemon.StartAsync(Cancel);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
            timeout.CancelAfter(TimeSpan.FromMinutes(3));
            await daemon.WaitForCatchUpAsync(timeout.Token);
            var ledgers = new LedgerReads(registry.Reads, registry.DataSource);
            Assert.Equal(["US@US 3 3.00", "HK@HK 2 2.00", "SG@SG 1 1.00"], Describe((await ledgers.ShipmentsAsync(2026, false, Cancel)).Rows));

            // Applied after the daemon saw the shipment: the void takes it out; a shipment reported late lands in its own year.
            await RunAsync(registry, new VoidChipEvent(ChipWorld.Id(), voided, mistaken, "never left", Nvidia, On(2026, 2, 4)));
            var late = await MadeAsync(registry, "late", On(2025, 12, 1));
            await RunAsync(registry, Ship(late, Nvidia, SgSub.OrganisationId, "SG", On(2025, 12, 30)));
            await daemon.WaitForCatchUpAsync(timeout.Token);
            Assert.Equal("", await registry.ScalarAsync<string>($"select coalesce(string_agg(error, ' // '), '') from {registry.Table("dead_letters")}"));
            foreach (var chip in new[] { delivered, elsewhere, hk, rma, voided, late })
            {
                Assert.Equal(AsRows(await ExpectedAsync(registry, chip)), await RowsAsync(registry, chip));
            }

            Assert.Equal(["US@US 3 3.00", "HK@HK 1 1.00", "SG@SG 1 1.00"], Describe((await ledgers.ShipmentsAsync(2026, false, Cancel)).Rows));
            Assert.Equal(["SG@SG 1 1.00"], Describe((await ledgers.ShipmentsAsync(2025, false, Cancel)).Rows));
            Assert.Equal(["cn-group@CN 1 1.00"], Describe((await ledgers.ShipmentsAsync(2025, true, Cancel)).Rows));
            Assert.Equal(["us-op@US 3 3.00", "cn-group@CN 1 1.00", "hk-trader@HK 1 1.00"], Describe((await ledgers.ShipmentsAsync(2026, true, Cancel)).Rows));

            // Since 2026-01-15: one unit to China (the voided one is gone) beside two delivered to the US consignee.
            var (ratio, _) = await ledgers.ChinaUsAsync(CatalogSeed.H100Sxm.ModelId, Cancel);
            Assert.Equal([(CatalogSeed.H100Sxm.ModelId, "nvidia", 1L, 2L)], ratio.Select(r => (r.ModelId, r.ExporterId, r.ChinaUnits, r.UsDeliveredUnits)));

            // Recorded now, effective before the late shipment: the consignee had left the group; only the join moves.
            await ParentAsync(registry, SgSub.OrganisationId, null, new LocalDate(2025, 6, 1));
            await daemon.WaitForCatchUpAsync(timeout.Token);
            Assert.Equal(["sg-sub@SG 1 1.00"], Describe((await ledgers.ShipmentsAsync(2025, true, Cancel)).Rows));

            var before = await RowsAsync(registry, rma);
            var rebuilt = await daemon.RebuildAsync(ChipShipmentProjection.TableName, timeout.Token);
            Assert.Contains("one_pass", rebuilt.Phases.Select(p => p.Name));
            Assert.Equal(before, await RowsAsync(registry, rma));
            Assert.Equal(["SG@SG 1 1.00"], Describe((await ledgers.ShipmentsAsync(2025, false, Cancel)).Rows));
        }
        finally
        {
            await daemon.StopAsync(CancellationToken.None);
        }
    }
}
