using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.Domain.Tests.Chips;
using ChipRegistry.EventStore;
using Npgsql;

namespace ChipRegistry.Domain.Tests.Persistence;

/// <summary>
/// The write path's costs, counted: one load and one decision per command (the inline projection reads nothing the
/// command already loaded), and a chip-state row whose size does not grow with the chip's life.
/// </summary>
public sealed class ChipWritePathTests(RegistryStoreFixture fixture) : IClassFixture<RegistryStoreFixture>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>The registry on a data source that logs every statement it executes.</summary>
    private async Task<(Registry Registry, StatementLog Log, NpgsqlDataSource Logged, Registry Unlogged)> StartLoggedAsync()
    {
        var registry = await fixture.StartAsync();
        var log = new StatementLog();
        var builder = new NpgsqlDataSourceBuilder(registry.DataSource.ConnectionString);
        builder.UseLoggerFactory(log);
        builder.UseNodaTime();
        var logged = builder.Build();
        var store = PostgresEventStore.Create(logged, DomainStore.Options(registry.Store.Schema.Value));
        var reads = new RegistryReads(store, logged);
        return (registry with { Store = store, Reads = reads, Commands = new CommandPipeline(reads), DataSource = logged }, log, logged, registry);
    }

    private static async Task<string> SoldToBuyerAsync(Registry registry)
    {
        var chipId = $"nvidia:wp-{Guid.NewGuid():N}";
        (await registry.Commands.HandleAsync(new RegisterChip(ChipWorld.Id(), chipId, CatalogSeed.H100Sxm.ModelId, "lot-wp", "TW", ChipWorld.Mfr, ChipWorld.Next()),
            cancellationToken: Cancel)).EnsureAccepted();
        (await registry.Commands.HandleAsync(new OfferChipSale(ChipWorld.Id(), chipId, "buyer", ChipWorld.Mfr, ChipWorld.Next()), cancellationToken: Cancel)).EnsureAccepted();
        return chipId;
    }

    [Fact]
    public async Task a_transfer_reads_the_chip_once_per_attempt_projection_included_and_never_its_events()
    {
        var (registry, log, logged, unlogged) = await StartLoggedAsync();
        await using var _ = logged;
        var chipId = await SoldToBuyerAsync(registry);
        var pipeline = new ChipPipeline(registry.Commands);

        log.Start();
        var accepted = await pipeline.RunAsync(chipId, ChipWorld.Buyer, new ChipWriteRules { RelationCode = ChipErrors.NotNamedBuyer },
            _ => Task.FromResult<IChipCommand>(new AcceptChipSale(ChipWorld.Id(), chipId, ChipWorld.Buyer, ChipWorld.Next())), null, Cancel);
        log.Stop();

        accepted.EnsureAccepted();
        Assert.Equal("buyer", (await registry.Reads.LoadChipAsync(chipId, Cancel)).State.OwnerId);
        Assert.NotEmpty(log.Statements);
        Assert.Single(log.ReadsOf("chip_state"));
        Assert.Empty(log.ReadsOf("events"));
    }

    [Fact]
    public async Task a_transfer_that_loses_a_race_reads_the_chip_once_for_each_attempt()
    {
        var (registry, log, logged, unlogged) = await StartLoggedAsync();
        await using var _ = logged;
        var chipId = await SoldToBuyerAsync(registry);
        var pipeline = new ChipPipeline(registry.Commands);
        var raced = false;

        log.Start();
        var accepted = await pipeline.RunAsync(chipId, ChipWorld.Buyer, new ChipWriteRules { RelationCode = ChipErrors.NotNamedBuyer }, async _ =>
        {
            if (!raced)
            {
                // Another writer appends between our load and our append: the first attempt's append conflicts.
                raced = true;
                (await unlogged.Commands.HandleAsync(new ReportChipObservation(ChipWorld.Id(), chipId, "sighting", null, "TW", "seen", ChipWorld.Stranger, ChipWorld.Next()),
                    cancellationToken: Cancel)).EnsureAccepted();
            }
            return new AcceptChipSale(ChipWorld.Id(), chipId, ChipWorld.Buyer, ChipWorld.Next());
        }, null, Cancel);
        log.Stop();

        accepted.EnsureAccepted();
        Assert.Equal(2, log.ReadsOf("chip_state").Count);
        Assert.Empty(log.ReadsOf("events"));
    }

    [Fact]
    public async Task a_void_reads_the_chip_stream_once_and_not_the_state_row()
    {
        var (registry, log, logged, unlogged) = await StartLoggedAsync();
        await using var _ = logged;
        var chipId = await SoldToBuyerAsync(registry);
        var offer = (await registry.Reads.ReadChipHistoryAsync(chipId, cancellationToken: Cancel))[^1].EventId;
        var pipeline = new ChipPipeline(registry.Commands);

        log.Start();
        var voided = await pipeline.RunAsync(chipId, ChipWorld.Mfr, new ChipWriteRules { RelationCode = ChipErrors.VoidNotPermitted, RequiresParty = false, NeedsHistory = true },
            _ => Task.FromResult<IChipCommand>(new VoidChipEvent(ChipWorld.Id(), chipId, offer, "wrong buyer", ChipWorld.Mfr, ChipWorld.Next())), null, Cancel);
        log.Stop();

        voided.EnsureAccepted();
        Assert.Null((await registry.Reads.LoadChipAsync(chipId, Cancel)).State.Offer);
        Assert.Single(log.ReadsOf("events"));
        Assert.Empty(log.ReadsOf("chip_state"));
    }

    [Fact]
    public async Task a_hidden_chips_404_runs_the_statements_an_unknown_serials_runs_and_reads_neither_its_events_nor_a_history()
    {
        var (registry, log, logged, unlogged) = await StartLoggedAsync();
        await using var _ = logged;
        var hidden = await SoldToBuyerAsync(unlogged);
        for (var n = 0; n < 60; n++)
        {
            (await unlogged.Commands.HandleAsync(new ReportChipObservation(ChipWorld.Id(), hidden, "inspection", null, "TW", $"inspected {n}", ChipWorld.Mfr, ChipWorld.Next()),
                cancellationToken: Cancel)).EnsureAccepted();
        }
        var unknown = $"nvidia:none-{Guid.NewGuid():N}";
        var pipeline = new ChipPipeline(registry.Commands);
        var stranger = ChipWorld.Stranger;

        // What the API's reads (state, history) and writes (an act, a void) do before they answer 404.
        async Task<(IReadOnlyList<string> Statements, bool Found)> DecideAsync(string chipId, Func<string, Task<bool>> decision)
        {
            log.Start();
            var found = await decision(chipId);
            log.Stop();
            return (log.Statements, found);
        }
        var decisions = new Dictionary<string, Func<string, Task<bool>>>
        {
            ["state"] = async chipId => (await registry.Reads.LoadChipForAsync(chipId, stranger, Cancel)).Relation != ChipRelation.None,
            ["history"] = async chipId => await registry.Reads.RelationOfAsync(chipId, stranger, Cancel) != ChipRelation.None,
            ["act"] = async chipId => (await pipeline.RunAsync(chipId, stranger, new ChipWriteRules(),
                _ => Task.FromResult<IChipCommand>(new PlaceChipHold(ChipWorld.Id(), chipId, "x", stranger, ChipWorld.Next())), null, Cancel)).Error?.Code != ChipErrors.ChipNotFound,
            ["void"] = async chipId => (await pipeline.RunAsync(chipId, stranger, new ChipWriteRules { NeedsHistory = true, RequiresParty = false },
                _ => Task.FromResult<IChipCommand>(new VoidChipEvent(ChipWorld.Id(), chipId, Guid.NewGuid(), "x", stranger, ChipWorld.Next())), null, Cancel)).Error?.Code != ChipErrors.ChipNotFound,
        };
        foreach (var (name, decision) in decisions)
        {
            var ofHidden = await DecideAsync(hidden, decision);
            var ofUnknown = await DecideAsync(unknown, decision);

            Assert.False(ofHidden.Found, name);
            Assert.False(ofUnknown.Found, name);
            Assert.Equal(ofUnknown.Statements, ofHidden.Statements);
            Assert.Single(ofHidden.Statements);
            Assert.DoesNotContain(ofHidden.Statements, sql => sql.Contains(".events", StringComparison.Ordinal) || sql.Contains("history", StringComparison.OrdinalIgnoreCase));
        }
    }

    [Fact]
    public async Task the_chip_state_row_an_append_writes_does_not_grow_with_the_chips_event_count()
    {
        var registry = await fixture.StartAsync();
        var chipId = $"nvidia:long-{Guid.NewGuid():N}";
        (await registry.Commands.HandleAsync(new RegisterChip(ChipWorld.Id(), chipId, CatalogSeed.H100Sxm.ModelId, "lot-long", "TW", ChipWorld.Mfr, ChipWorld.Next()),
            cancellationToken: Cancel)).EnsureAccepted();
        var sizes = new List<int>();
        for (var n = 2; n <= 500; n++)
        {
            // A life of many kinds of events: sales back and forth (party changes), holds and releases, observations.
            IChipCommand command = (n % 5) switch
            {
                0 => new ReportChipObservation(ChipWorld.Id(), chipId, "sighting", null, "TW", $"seen {n}", ChipWorld.Stranger, ChipWorld.Next()),
                2 => new PlaceChipHold(ChipWorld.Id(), chipId, $"check {n}", ChipWorld.Bis, ChipWorld.Next()),
                3 => new ReleaseChipHold(ChipWorld.Id(), chipId, $"cleared {n}", ChipWorld.Bis, ChipWorld.Next()),
                _ => new ReportChipObservation(ChipWorld.Id(), chipId, "inspection", null, "TW", $"inspected {n}", ChipWorld.Mfr, ChipWorld.Next()),
            };
            (await registry.Commands.HandleAsync(command, cancellationToken: Cancel)).EnsureAccepted();
            if (n is 10 or 100 or 500)
            {
                sizes.Add(await registry.ScalarAsync<int>($"select pg_column_size(s.*) from {registry.Table("chip_state")} s where chip_id = $1", chipId));
            }
        }

        Assert.Equal(500, (await registry.Reads.LoadChipAsync(chipId, Cancel)).Version);
        // The row after the 500th event is no larger than after the 10th, give or take the digits of the counters.
        Assert.All(sizes, size => Assert.InRange(size, 1, 2048));
        Assert.InRange(sizes[2] - sizes[0], -16, 16);
    }

    [Fact]
    public async Task a_chip_command_appends_and_writes_its_projections_in_one_statement_and_a_lost_race_writes_neither()
    {
        var (registry, log, logged, unlogged) = await StartLoggedAsync();
        await using var _ = logged;
        var chipId = await SoldToBuyerAsync(registry);
        var pipeline = new ChipPipeline(registry.Commands);

        log.Start();
        (await pipeline.RunAsync(chipId, ChipWorld.Buyer, new ChipWriteRules { RelationCode = ChipErrors.NotNamedBuyer },
            _ => Task.FromResult<IChipCommand>(new AcceptChipSale(ChipWorld.Id(), chipId, ChipWorld.Buyer, ChipWorld.Next())), null, Cancel)).EnsureAccepted();
        log.Stop();

        // The load, then one statement: the append with the chip-state row (party periods too, when they change).
        Assert.Equal(2, log.Statements.Count);
        Assert.StartsWith("with moved", log.Statements[1].TrimStart(), StringComparison.Ordinal);
        Assert.Contains(".chip_state", log.Statements[1], StringComparison.Ordinal);
        var after = (await unlogged.Reads.LoadChipAsync(chipId, Cancel)).State;
        Assert.Equal("buyer", after.OwnerId);
        Assert.Equal(ChipRelation.Current, (await unlogged.Reads.LoadChipForAsync(chipId, ChipWorld.Buyer, Cancel)).Relation);
        var lastSeqId = await unlogged.ScalarAsync<long>($"select last_seq_id from {unlogged.Table("chip_state")} where chip_id = $1", chipId);
        Assert.Equal(await unlogged.ScalarAsync<long>($"select max(seq_id) from {unlogged.Table("events")} where stream_key = $1", chipId), lastSeqId);

        // An append that lends a state one version behind loses the race: neither the event nor any projected row is written.
        var stale = after with { Version = after.Version - 1, Observations = 1000 };
        var observation = new ChipObserved(ChipWorld.Id(), chipId, "sighting", false, "", null, "TW", null, "seen", "buyer", ChipWorld.Next());
        await Assert.ThrowsAsync<StreamVersionConflictException>(() => unlogged.Store.AppendAsync(
            new StreamAppend(StreamKeys.Chip(chipId), ExpectedVersion.Exactly(stale.Version), new NewEvent(observation, observation.OccurredAt, observation.EventId),
                StreamKeys.ChipType) { Snapshot = stale },
            new AppendMetadata("buyer"), Cancel));
        Assert.Equal(after, (await unlogged.Reads.LoadChipAsync(chipId, Cancel)).State);
        Assert.Equal(lastSeqId, await unlogged.ScalarAsync<long>($"select last_seq_id from {unlogged.Table("chip_state")} where chip_id = $1", chipId));
    }

    [Fact]
    public async Task an_observation_rewrites_the_chip_state_row_in_place_without_new_index_entries()
    {
        var registry = await fixture.StartAsync();
        var chipId = $"nvidia:hot-{Guid.NewGuid():N}";
        (await registry.Commands.HandleAsync(new RegisterChip(ChipWorld.Id(), chipId, CatalogSeed.H100Sxm.ModelId, "lot-hot", "TW", ChipWorld.Mfr, ChipWorld.Next()),
            cancellationToken: Cancel)).EnsureAccepted();
        await using (var create = registry.DataSource.CreateCommand("create extension if not exists pageinspect"))
        {
            await create.ExecuteNonQueryAsync(Cancel);
        }

        for (var n = 1; n <= 5; n++)
        {
            (await registry.Commands.HandleAsync(new ReportChipObservation(ChipWorld.Id(), chipId, "inspection", null, "TW", $"inspected {n}", ChipWorld.Mfr, ChipWorld.Next()),
                cancellationToken: Cancel)).EnsureAccepted();

            // A heap-only tuple is a row version reached through its predecessor, not through any index: the update
            // wrote no entry into chip_state's indexes.
            Assert.True(await registry.ScalarAsync<bool>(
                $"""
                select (i.t_infomask2 & 32768) <> 0
                from {registry.Table("chip_state")} s,
                     lateral heap_page_items(get_raw_page('{registry.Table("chip_state")}', (s.ctid::text::point)[0]::int)) i
                where s.chip_id = $1 and i.lp = (s.ctid::text::point)[1]::int
                """, chipId), $"observation {n} wrote a new index entry for the chip_state row");
        }
        Assert.Equal(6, (await registry.Reads.LoadChipAsync(chipId, Cancel)).Version);
    }

    [Fact]
    public async Task every_statement_of_a_chip_command_settles_on_a_generic_plan_instead_of_being_planned_on_every_call()
    {
        var registry = await fixture.StartAsync();
        // A lot the size of the benchmark's command leg, with statistics: on a few rows any plan costs the same, and
        // PostgreSQL takes the generic one whatever the statement.
        var lotId = $"lot-plan-{Guid.NewGuid():N}"[..17];
        var chips = Enumerable.Range(1, 2_000).Select(i => $"nvidia:{lotId}-{i:D4}").ToArray();
        (await registry.Commands.RegisterLotAsync(
            new RegisterChipLot(ChipWorld.Id(), lotId, CatalogSeed.H100Sxm.ModelId, "TW", ChipWorld.Mfr, ChipWorld.Next()), chips, cancellationToken: Cancel)).EnsureAccepted();
        await using (var analyze = registry.DataSource.CreateCommand($"analyze {registry.Table("chip_state")}; analyze {registry.Table("chip_parties")}"))
        {
            await analyze.ExecuteNonQueryAsync(Cancel);
        }
        var chipId = chips[0];
        // Prepared statements, as a deployment with auto-prepare has them, on one connection so its plan counts can be read.
        var builder = new NpgsqlDataSourceBuilder(new NpgsqlConnectionStringBuilder(registry.DataSource.ConnectionString)
        {
            MaxPoolSize = 1,
            MaxAutoPrepare = 16,
            AutoPrepareMinUsages = 1,
        }.ConnectionString);
        builder.UseNodaTime();
        await using var prepared = builder.Build();
        var store = PostgresEventStore.Create(prepared, DomainStore.Options(registry.Store.Schema.Value));
        var pipeline = new ChipPipeline(new CommandPipeline(new RegistryReads(store, prepared)));

        const int commands = 12;
        for (var n = 0; n < commands; n++)
        {
            (await pipeline.RunAsync(chipId, ChipWorld.Mfr, new ChipWriteRules(),
                _ => Task.FromResult<IChipCommand>(new ReportChipObservation(ChipWorld.Id(), chipId, "sighting", null, null, "in its rack", ChipWorld.Mfr, ChipWorld.Next())),
                null, Cancel)).EnsureAccepted();
        }

        // PostgreSQL tries five custom plans, then keeps the generic one unless the custom ones are cheaper: a statement
        // that gets a custom plan on every call is planned on every call, which cost more than the chip's load itself.
        await using var plans = prepared.CreateCommand("select statement, generic_plans, custom_plans from pg_prepared_statements where from_sql = false");
        await using var reader = await plans.ExecuteReaderAsync(Cancel);
        var counted = new List<(string Statement, long Generic, long Custom)>();
        while (await reader.ReadAsync(Cancel)) counted.Add((reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
        var load = Assert.Single(counted, c => c.Statement.Contains("chip_parties", StringComparison.Ordinal) && c.Statement.TrimStart().StartsWith("select", StringComparison.Ordinal));
        Assert.Equal(commands, load.Generic + load.Custom);
        Assert.All(counted.Where(c => c.Generic + c.Custom >= commands), c => Assert.True(c.Custom <= 5, $"planned {c.Custom} times of {c.Generic + c.Custom}: {c.Statement}"));
    }

    [Fact]
    public async Task party_periods_follow_every_change_of_party_in_the_appends_transaction()
    {
        var registry = await fixture.StartAsync();
        var chipId = await SoldToBuyerAsync(registry);
        (await registry.Commands.HandleAsync(new AcceptChipSale(ChipWorld.Id(), chipId, ChipWorld.Buyer, ChipWorld.Next()), cancellationToken: Cancel)).EnsureAccepted();
        (await registry.Commands.HandleAsync(new OfferChipSale(ChipWorld.Id(), chipId, "reseller", ChipWorld.Buyer, ChipWorld.Next()), cancellationToken: Cancel)).EnsureAccepted();

        Assert.Equal((ChipState.Initial(chipId).Stage, ChipRelation.None),
            ((await registry.Reads.LoadChipForAsync($"nvidia:none-{Guid.NewGuid():N}", new ChipRegistry.Domain.Common.Actor("buyer", ChipRegistry.Domain.Organisations.OrganisationKind.Distributor), Cancel)).State.Stage,
             (await registry.Reads.LoadChipForAsync($"nvidia:none-{Guid.NewGuid():N}", new ChipRegistry.Domain.Common.Actor("buyer", ChipRegistry.Domain.Organisations.OrganisationKind.Distributor), Cancel)).Relation));
        Assert.Equal(ChipRelation.Current, (await registry.Reads.LoadChipForAsync(chipId, new ChipRegistry.Domain.Common.Actor("reseller", ChipRegistry.Domain.Organisations.OrganisationKind.Distributor), Cancel)).Relation);
        Assert.Equal(ChipRelation.Current, (await registry.Reads.LoadChipForAsync(chipId, new ChipRegistry.Domain.Common.Actor("buyer", ChipRegistry.Domain.Organisations.OrganisationKind.Distributor), Cancel)).Relation);
        Assert.Equal(ChipRelation.Current, (await registry.Reads.LoadChipForAsync(chipId, new ChipRegistry.Domain.Common.Actor("mfr", ChipRegistry.Domain.Organisations.OrganisationKind.Distributor), Cancel)).Relation); // still the custodian
        Assert.Equal(ChipRelation.None, (await registry.Reads.LoadChipForAsync(chipId, new ChipRegistry.Domain.Common.Actor("stranger", ChipRegistry.Domain.Organisations.OrganisationKind.Distributor), Cancel)).Relation);

        // The stream replayed through the visibility rules gives the same answers the table gives.
        var events = (await registry.Reads.ReadChipHistoryAsync(chipId, cancellationToken: Cancel)).Select(e => e.Data).OfType<IChipEvent>().ToList();
        foreach (var organisation in new[] { "mfr", "buyer", "reseller", "stranger" })
        {
            var view = ChipVisibility.For(chipId, events, new ChipRegistry.Domain.Common.Actor(organisation, OrganisationKind.Distributor));
            var relation = (await registry.Reads.LoadChipForAsync(chipId, new ChipRegistry.Domain.Common.Actor(organisation, ChipRegistry.Domain.Organisations.OrganisationKind.Distributor), Cancel)).Relation;
            Assert.Equal(view.IsParty ? ChipRelation.Current : view.IsVisible ? ChipRelation.Former : ChipRelation.None, relation);
            if (view.IsVisible)
            {
                Assert.Equal(view.IsParty ? events.Count : view.State.Version, await registry.Reads.VisibleUpToAsync(chipId, organisation, Cancel));
            }
        }
    }
}
