using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Facilities;
using ChipRegistry.Domain.Licences;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.EventStore;
using NodaTime;

namespace ChipRegistry.Domain.Tests.Persistence;

/// <summary>Organisations, facilities, licences, notifications and models through their handlers.</summary>
public sealed class EntityHandlerTests(RegistryStoreFixture fixture) : IClassFixture<RegistryStoreFixture>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static readonly Instant At = Instant.FromUtc(2025, 2, 1, 9, 0);
    private static readonly LocalDate Day = new(2025, 2, 1);
    private static readonly Actor Admin = BuiltInOrganisations.RegistryAdmin;

    private static RegisterOrganisation Org(string id, OrganisationKind kind = OrganisationKind.Operator, string country = "US") =>
        new(id, $"{id} Inc.", kind, country, new LocalDate(2010, 1, 1), Admin, At);

    [Fact]
    public async Task a_parent_change_that_would_close_a_cycle_is_rejected_against_the_directory_in_the_store()
    {
        var registry = await fixture.StartAsync();
        foreach (var id in new[] { "a", "b", "c" }) (await registry.Commands.HandleAsync(Org(id), cancellationToken: Cancel)).EnsureAccepted();
        (await registry.Commands.HandleAsync(new ChangeOrganisationParent("a", "b", Day, Admin, At), cancellationToken: Cancel)).EnsureAccepted();
        (await registry.Commands.HandleAsync(new ChangeOrganisationParent("b", "c", Day, Admin, At), cancellationToken: Cancel)).EnsureAccepted();

        var cycle = await registry.Commands.HandleAsync(new ChangeOrganisationParent("c", "a", Day.PlusDays(5), Admin, At), cancellationToken: Cancel);

        Assert.Equal("parent_cycle", cycle.Error?.Code);
        Assert.Equal(1, await registry.Store.FetchStreamVersionAsync(StreamKeys.Organisation("c"), Cancel));
        var directory = await registry.Reads.LoadOrganisationDirectoryAsync(Cancel);
        Assert.Equal(["b", "c"], directory.ParentChain("a", Day));
        Assert.Equal("c", directory.UltimateParentId("a", Day));
        Assert.Equal(await registry.ScalarAsync<long>($"select version from {registry.Table("organisations")} where organisation_id = 'a'"), (await registry.Reads.LoadOrganisationAsync("a", Cancel)).Version);
    }

    [Fact]
    public async Task registering_twice_is_rejected_with_its_code_and_the_acting_organisation_is_recorded()
    {
        var registry = await fixture.StartAsync();
        var first = await registry.Commands.HandleAsync(Org("dup"), new CommandMetadata { CorrelationId = "req-1" }, Cancel);
        var second = await registry.Commands.HandleAsync(Org("dup"), cancellationToken: Cancel);

        Assert.True(first.IsAccepted);
        Assert.Equal(1, first.VersionOf(StreamKeys.Organisation("dup")));
        Assert.Equal("organisation_already_registered", second.Error?.Code);
        var stored = Assert.Single(await registry.Store.ReadStreamAsync(StreamKeys.Organisation("dup"), cancellationToken: Cancel));
        Assert.Equal((BuiltInOrganisations.RegistryId, "req-1"), (stored.ActingOrganisation, stored.CorrelationId));
    }

    [Fact]
    public async Task facilities_licences_and_notifications_are_decided_against_their_folded_streams()
    {
        var registry = await fixture.StartAsync();
        var op = new Actor("op", OrganisationKind.Operator);
        var bis = new Actor("bis", OrganisationKind.Agency);
        var c = registry.Commands;
        (await c.HandleAsync(new RegisterFacility("fac", "Hall", "US", 40.1m, -75.2m, 80m, op, At), cancellationToken: Cancel)).EnsureAccepted();
        (await c.HandleAsync(new RegisterCluster("fac", "cl-1", "hall A", op, At), cancellationToken: Cancel)).EnsureAccepted();
        Assert.Equal("not_facility_operator", (await c.HandleAsync(new DeclareFacilityPower("fac", 90m, bis, At), cancellationToken: Cancel)).Error?.Code);
        (await c.HandleAsync(new DeclareFacilityPower("fac", 90m, op, At), cancellationToken: Cancel)).EnsureAccepted();
        var facility = await registry.Reads.LoadFacilityAsync("fac", Cancel);
        Assert.Equal((90m, 1, 3L), (facility.State!.DeclaredPowerMw, facility.State.Clusters.Count, facility.Version));

        (await c.HandleAsync(new GrantLicence("lic", "L-1", "mfr", "op", "op", "AE", ["nvidia-h100-sxm"], 100, Day, Day.PlusDays(90), bis, At), cancellationToken: Cancel)).EnsureAccepted();
        (await c.HandleAsync(new RevokeLicence("lic", "diversion", Day.PlusDays(10), bis, At), cancellationToken: Cancel)).EnsureAccepted();
        Assert.Equal("licence_already_revoked", (await c.HandleAsync(new RevokeLicence("lic", "again", Day.PlusDays(11), bis, At), cancellationToken: Cancel)).Error?.Code);
        Assert.True((await registry.Reads.LoadLicenceAsync("lic", Cancel)).State!.RevokedOn(Day.PlusDays(10)));

        var mfr = new Actor("mfr", OrganisationKind.Manufacturer);
        (await c.HandleAsync(new FileExportNotification("nac", NotificationKind.Nac, "A000123", "op", "op", "VN", CatalogSeed.L40S, mfr, At), cancellationToken: Cancel)).EnsureAccepted();
        Assert.Equal("notification_already_filed",
            (await c.HandleAsync(new FileExportNotification("nac", NotificationKind.Nac, "A000123", "op", "op", "VN", CatalogSeed.L40S, mfr, At), cancellationToken: Cancel)).Error?.Code);
        Assert.Equal(Metrics.Compute(CatalogSeed.L40S).Tpp, (await registry.Reads.LoadNotificationAsync("nac", Cancel)).State!.Tpp);
    }

    [Fact]
    public async Task seeding_the_catalog_twice_registers_each_model_once_and_models_take_revisions_and_findings()
    {
        var registry = await fixture.StartAsync();
        static string ManufacturerOf(string vendor) => vendor.ToLowerInvariant();

        var first = await registry.Commands.SeedCatalogAsync(ManufacturerOf, Admin, At, Cancel);
        var second = await registry.Commands.SeedCatalogAsync(ManufacturerOf, Admin, At, Cancel);

        Assert.Equal(CatalogSeed.Models.Select(m => m.ModelId), first);
        Assert.Empty(second);
        Assert.Equal(CatalogSeed.Models.Count, await registry.ScalarAsync<long>($"select count(*) from {registry.Table("events")} where type = 'accelerator_model_registered'"));
        var h100 = await registry.Reads.LoadModelAsync(CatalogSeed.H100Sxm.ModelId, Cancel);
        Assert.Equal((CatalogSeed.H100Sxm, "nvidia", 1L), (h100.State!.EffectiveSpec, h100.State.ManufacturerId, h100.Version));

        var nvidia = new Actor("nvidia", OrganisationKind.Manufacturer);
        var revised = CatalogSeed.H100Sxm with { TdpWatts = new Figure(750m) };
        (await registry.Commands.HandleAsync(new ReviseAcceleratorSpec(CatalogSeed.H100Sxm.ModelId, revised, "new TDP", nvidia, At), cancellationToken: Cancel)).EnsureAccepted();
        Assert.Equal("not_agency", (await registry.Commands.HandleAsync(new RecordSpecFinding(CatalogSeed.H100Sxm.ModelId, revised, "x", nvidia, At), cancellationToken: Cancel)).Error?.Code);
        var newModel = CatalogSeed.H100Sxm with { ModelId = "nvidia-h100-nvl", Name = "H100 NVL" };
        (await registry.Commands.HandleAsync(new RegisterAcceleratorModel(newModel, nvidia, At), cancellationToken: Cancel)).EnsureAccepted();
        Assert.Equal(revised, (await registry.Reads.LoadModelAsync(CatalogSeed.H100Sxm.ModelId, Cancel)).State!.EffectiveSpec);
        Assert.Equal(newModel, (await registry.Reads.LoadModelAsync("nvidia-h100-nvl", Cancel)).State!.EffectiveSpec);
        Assert.Equal(StreamKeys.ModelType, await registry.ScalarAsync<string>($"select type from {registry.Table("streams")} where key = $1", StreamKeys.Model("nvidia-h100-nvl")));
    }

    [Fact]
    public async Task the_domain_options_register_every_event_name_and_migrate_the_projection_tables()
    {
        var registry = await fixture.StartAsync();
        Assert.True(await registry.Store.IsSchemaCurrentAsync(Cancel));
        Assert.Equal(DomainEventNames.ByType.Values.Order(), DomainStore.EventTypes().Names.Order());
        Assert.Equal(DomainStore.Migrations.Count, await registry.ScalarAsync<long>($"select count(*) from {registry.Table("schema_migrations")} where module = '{DomainStore.MigrationModule}'"));
        Assert.Equal(0, await registry.ScalarAsync<long>($"select count(*) from {registry.Table("chip_state")}"));
        Assert.Equal(0, await registry.ScalarAsync<long>($"select count(*) from {registry.Table("organisations")}"));
    }
}
