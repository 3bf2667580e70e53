using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.Domain.Projections;
using ChipRegistry.Domain.Projections.Placements;
using ChipRegistry.Domain.Tests.Chips;
using ChipRegistry.Domain.Tests.Persistence;
using ChipRegistry.EventStore;
using NodaTime;

namespace ChipRegistry.Domain.Tests.Projections;

/// <summary>
/// chip_placements on the daemon, against chips driven through the registry's own handlers: the table equals a
/// fresh fold of each stream read back, across small batches, after a void, and after a rebuild from zero.
/// </summary>
public sealed class ChipPlacementProjectionTests(RegistryStoreFixture fixture) : IClassFixture<RegistryStoreFixture>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static async Task RunAsync(Registry registry, IChipCommand command) =>
        (await registry.Commands.HandleAsync(command, cancellationToken: Cancel)).EnsureAccepted();

    /// <summary>A chip fabricated, shipped to the operator, received, installed and rented out for a while.</summary>
    private static async Task<(string ChipId, Guid Installation)> InstalledAsync(Registry registry, string suffix)
    {
        var chipId = $"nvidia:place-{suffix}-{Guid.NewGuid():N}";
        await RunAsync(registry, new RegisterChip(ChipWorld.Id(), chipId, CatalogSeed.H100Sxm.ModelId, "lot-p", "TW", ChipWorld.Mfr, ChipWorld.Next()));
        await RunAsync(registry, ChipWorld.Ship((await registry.Reads.LoadChipAsync(chipId, Cancel)).State, ChipWorld.Mfr));
        await RunAsync(registry, new ReceiveChip(ChipWorld.Id(), chipId, "US", ChipWorld.Op, ChipWorld.Next()));
        var installation = ChipWorld.Id();
        await RunAsync(registry, new InstallChip(installation, chipId, ChipWorld.FacilityOf("op"), "c1", "r1", ChipWorld.Op, ChipWorld.Next()));
        var from = ChipWorld.Next();
        await RunAsync(registry, new AssignChipTenant(ChipWorld.Id(), chipId, "tenant", from + Duration.FromSeconds(1), from + Duration.FromDays(3), ChipWorld.Op, from));
        return (chipId, installation);
    }

    private static async Task<IReadOnlyList<Placement>> ExpectedAsync(Registry registry, string chipId)
    {
        var stream = await registry.Store.ReadStreamAsync(StreamKeys.Chip(chipId), 1, null, Cancel);
        return PlacementFold.Of(chipId, [.. stream.Where(e => e.Data is IChipEvent).Select(e => new SequencedChipEvent(e.SeqId, (IChipEvent)e.Data))]);
    }

    private static async Task<IReadOnlyList<string>> RowsAsync(Registry registry, string chipId)
    {
        var rows = new List<string>();
        await using var command = registry.DataSource.CreateCommand(
            $"""
            select ordinal, valid_from, valid_to, status, model_id, owner_id, custodian_id, country, facility_id, cluster_id, operator_id, tenant_id, assembly_id, started_by_seq_id
            from {registry.Table(ChipPlacementProjection.TableName)} where chip_id = $1 order by ordinal
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

    private static IReadOnlyList<string> AsRows(IEnumerable<Placement> stays) =>
        [.. stays.Select(p => string.Join("|", new object?[]
        {
            p.Ordinal, p.From.ToString(), p.To?.ToString(), ChipStateProjection.StageName(p.Status), p.ModelId, p.OwnerId, p.CustodianId, p.Country,
            p.FacilityId, p.ClusterId, p.OperatorId, p.TenantId, p.AssemblyId, p.StartedBySeqId,
        }.Select(v => v?.ToString() ?? "")))];

    [Fact]
    public async Task the_table_equals_a_fresh_fold_of_every_stream_through_small_batches_a_void_and_a_rebuild()
    {
        var registry = await fixture.StartAsync();
        var (rented, _) = await InstalledAsync(registry, "rented");
        var (wrong, installation) = await InstalledAsync(registry, "wrong");
        await RunAsync(registry, new RemoveChip(ChipWorld.Id(), rented, "rma", ChipWorld.Op, ChipWorld.Next()));

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
            timeout.CancelAfter(TimeSpan.FromMinutes(2));
            await daemon.WaitForCatchUpAsync(timeout.Token);
            Assert.Equal("", await registry.ScalarAsync<string>($"select coalesce(string_agg(error, ' // '), '') from {registry.Table("dead_letters")}"));
            foreach (var chip in new[] { rented, wrong })
            {
                Assert.Equal(AsRows(await ExpectedAsync(registry, chip)), await RowsAsync(registry, chip));
            }
            var rentedRows = await RowsAsync(registry, rented);
            Assert.Equal(["in_stock", "in_transit", "in_stock", "installed", "installed", "in_stock"], rentedRows.Select(r => r.Split('|')[3]));
            Assert.Equal("tenant", rentedRows[4].Split('|')[11]);

            // The installation was a mistake: its void (and its tenancy's, which rested on it) reshapes the stays.
            await RunAsync(registry, new VoidChipEvent(ChipWorld.Id(), wrong, installation, "wrong chip scanned", ChipWorld.Op, ChipWorld.Next()));
            await daemon.WaitForCatchUpAsync(timeout.Token);
            var corrected = await RowsAsync(registry, wrong);
            Assert.Equal(AsRows(await ExpectedAsync(registry, wrong)), corrected);
            Assert.Equal(["in_stock", "in_transit", "in_stock"], corrected.Select(r => r.Split('|')[3]));

            var before = new[] { await RowsAsync(registry, rented), corrected };
            var rebuilt = await daemon.RebuildAsync(ChipPlacementProjection.TableName, timeout.Token);
            Assert.True(rebuilt.Applied > 0);
            Assert.Contains("one_pass", rebuilt.Phases.Select(p => p.Name));
            Assert.Equal(0L, await registry.ScalarAsync<long>($"select count(*) from {registry.Table("dead_letters")}"));
            Assert.Equal(before[0], await RowsAsync(registry, rented));
            Assert.Equal(before[1], await RowsAsync(registry, wrong));
        }
        finally
        {
            await daemon.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task the_table_is_created_with_its_range_index_and_keeps_one_after_a_rebuild()
    {
        var registry = await fixture.StartAsync();
        using var daemon = new ProjectionDaemon(registry.Store, new ProjectionDaemonOptions { Projections = RegistryProjections.All() });
        await daemon.PrepareAsync(Cancel);
        var gist = $"select count(*) from pg_indexes where schemaname = '{registry.Store.Schema.Value}' and tablename = '{ChipPlacementProjection.TableName}' and indexdef like '%USING gist%'";
        Assert.Equal(1L, await registry.ScalarAsync<long>(gist));

        await daemon.RebuildAsync(ChipPlacementProjection.TableName, Cancel);
        using var again = new ProjectionDaemon(registry.Store, new ProjectionDaemonOptions { Projections = RegistryProjections.All() });
        await again.PrepareAsync(Cancel);

        Assert.Equal(1L, await registry.ScalarAsync<long>(gist));
    }
}
