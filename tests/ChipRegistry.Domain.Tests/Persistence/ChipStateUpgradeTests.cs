using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.Domain.Tests.Chips;

namespace ChipRegistry.Domain.Tests.Persistence;

/// <summary>Rows written before chip_state kept the folded state (history only) are folded once, with their party periods.</summary>
public sealed class ChipStateUpgradeTests(RegistryStoreFixture fixture) : IClassFixture<RegistryStoreFixture>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task a_row_without_state_gets_the_state_and_party_periods_a_fresh_fold_gives()
    {
        var registry = await fixture.StartAsync();
        var chipId = $"nvidia:old-{Guid.NewGuid():N}";
        (await registry.Commands.HandleAsync(new RegisterChip(ChipWorld.Id(), chipId, CatalogSeed.H100Sxm.ModelId, "lot-old", "TW", ChipWorld.Mfr, ChipWorld.Next()), cancellationToken: Cancel)).EnsureAccepted();
        (await registry.Commands.HandleAsync(new OfferChipSale(ChipWorld.Id(), chipId, "buyer", ChipWorld.Mfr, ChipWorld.Next()), cancellationToken: Cancel)).EnsureAccepted();
        (await registry.Commands.HandleAsync(new AcceptChipSale(ChipWorld.Id(), chipId, ChipWorld.Buyer, ChipWorld.Next()), cancellationToken: Cancel)).EnsureAccepted();
        var expected = (await registry.Reads.LoadChipAsync(chipId, Cancel)).State;
        // As an older version left it: a history, no state, no party periods.
        await registry.ScalarAsync<int>($"with a as (update {registry.Table("chip_state")} set state = null, history = '[]'::jsonb where chip_id = $1 returning 1), " +
            $"b as (delete from {registry.Table("chip_parties")} where chip_id = $1 returning 1) select 0", chipId);

        Assert.Equal(1, await ChipStateUpgrade.RunAsync(registry.DataSource, registry.Store, Cancel));
        Assert.Equal(0, await ChipStateUpgrade.RunAsync(registry.DataSource, registry.Store, Cancel));

        Assert.Equal(expected, (await registry.Reads.LoadChipAsync(chipId, Cancel)).State);
        Assert.Equal(ChipRelation.Current, (await registry.Reads.LoadChipForAsync(chipId, new ChipRegistry.Domain.Common.Actor("buyer", ChipRegistry.Domain.Organisations.OrganisationKind.Distributor), Cancel)).Relation);
        Assert.Equal(ChipRelation.Current, (await registry.Reads.LoadChipForAsync(chipId, new ChipRegistry.Domain.Common.Actor("mfr", ChipRegistry.Domain.Organisations.OrganisationKind.Distributor), Cancel)).Relation);
        Assert.Equal(ChipRelation.None, (await registry.Reads.LoadChipForAsync(chipId, new ChipRegistry.Domain.Common.Actor("stranger", ChipRegistry.Domain.Organisations.OrganisationKind.Distributor), Cancel)).Relation);
        Assert.Equal(0L, await registry.ScalarAsync<long>($"select count(*) from {registry.Table("chip_state")} where history is not null"));
    }

    [Fact]
    public async Task a_state_folded_before_last_act_at_existed_loads_and_gets_it_from_its_own_events()
    {
        var registry = await fixture.StartAsync();
        var chipId = $"nvidia:old-{Guid.NewGuid():N}";
        var offerAt = ChipWorld.Next() + NodaTime.Duration.FromDays(1);
        (await registry.Commands.HandleAsync(new RegisterChip(ChipWorld.Id(), chipId, CatalogSeed.H100Sxm.ModelId, "lot-old", "TW", ChipWorld.Mfr, ChipWorld.Next()), cancellationToken: Cancel)).EnsureAccepted();
        (await registry.Commands.HandleAsync(new OfferChipSale(ChipWorld.Id(), chipId, "buyer", ChipWorld.Mfr, offerAt), cancellationToken: Cancel)).EnsureAccepted();
        var offered = (await registry.Reads.LoadChipAsync(chipId, Cancel)).State;
        // A void takes the latest act back; an observation after it, dated later still, never counts as an act.
        (await registry.Commands.HandleAsync(new VoidChipEvent(ChipWorld.Id(), chipId, offered.Offer!.EventId, "entered in error", ChipWorld.Mfr, offerAt), cancellationToken: Cancel)).EnsureAccepted();
        (await registry.Commands.HandleAsync(new ReportChipObservation(ChipWorld.Id(), chipId, "sighting", null, "US", "seen", ChipWorld.Stranger, offerAt + NodaTime.Duration.FromDays(1)), cancellationToken: Cancel)).EnsureAccepted();
        var expected = (await registry.Reads.LoadChipAsync(chipId, Cancel)).State;
        Assert.NotNull(expected.LastActAt);
        Assert.True(expected.LastActAt < offerAt);

        // As an older version left it: a folded state without the field.
        await registry.ScalarAsync<int>($"with a as (update {registry.Table("chip_state")} set state = state - 'last_act_at' where chip_id = $1 returning 1) select 0", chipId);
        Assert.Null((await registry.Reads.LoadChipAsync(chipId, Cancel)).State.LastActAt);

        var migration = DomainStore.Migrations.Single(m => m.Name.Contains("last_act_at", StringComparison.Ordinal));
        await using (var command = registry.DataSource.CreateCommand(migration.Sql.Replace(ChipRegistry.EventStore.Migration.SchemaToken, registry.Store.Schema.Quoted, StringComparison.Ordinal)))
        {
            await command.ExecuteNonQueryAsync(Cancel);
        }

        Assert.Equal(expected, (await registry.Reads.LoadChipAsync(chipId, Cancel)).State);
    }
}
