using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Facilities;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.Domain.Projections;
using ChipRegistry.Domain.Projections.Reference;
using ChipRegistry.Domain.Tests.Persistence;
using ChipRegistry.EventStore;
using NodaTime;

namespace ChipRegistry.Domain.Tests.Projections.Reference;

/// <summary>
/// The reference interval tables on the daemon, driven through the registry's handlers: backdated parent changes
/// move every descendant, late power declarations and operator hand-overs reshape a facility's terms, spec
/// revisions and findings give the spec in force, and a rebuild gives the same rows.
/// </summary>
public sealed class ReferenceIntervalProjectionTests(RegistryStoreFixture fixture) : IClassFixture<RegistryStoreFixture>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static readonly Instant Recorded = Instant.FromUtc(2024, 12, 1, 0, 0);

    private static Instant Utc(int month, int day) => Instant.FromUtc(2024, month, day, 0, 0);

    private static async Task RunAsync(Task<CommandResult> command) => (await command).EnsureAccepted();

    private static ProjectionDaemon Daemon(Registry registry) => new(registry.Store, new ProjectionDaemonOptions
    {
        Projections = RegistryProjections.All(),
        BatchSize = 4,
        PollInterval = TimeSpan.FromMilliseconds(100),
    });

    private static async Task<IReadOnlyList<string>> RowsAsync(Registry registry, string table, string key, string id)
    {
        var columns = table switch
        {
            ReferenceIntervalProjection.OrganisationParents => "parent_id, ultimate_parent_id, ultimate_country",
            ReferenceIntervalProjection.FacilityTerms => "operator_id, country, declared_power_mw",
            _ => "tpp, tdp_w",
        };
        var rows = new List<string>();
        await using var command = registry.DataSource.CreateCommand(
            $"select valid_from, valid_to, {columns} from {registry.Table(table)} where {key} = $1 order by valid_from");
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = id });
        await using var reader = await command.ExecuteReaderAsync(Cancel);
        while (await reader.ReadAsync(Cancel))
        {
            var values = new object?[reader.FieldCount];
            for (var i = 0; i < values.Length; i++) values[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(string.Join(" ", values.Select(v => v switch
            {
                Instant at => at.InUtc().Date.ToString("yyyy-MM-dd", null),
                decimal d => d.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture),
                null => "-",
                _ => v.ToString(),
            })));
        }
        return rows;
    }

    private static async Task OrganisationAsync(Registry registry, string id, OrganisationKind kind, string country) =>
        await RunAsync(registry.Commands.HandleAsync(new RegisterOrganisation(id, id, kind, country, new LocalDate(2020, 1, 1), BuiltInOrganisations.RegistryAdmin, Recorded), cancellationToken: Cancel));

    private static Task ParentAsync(Registry registry, string id, string? parent, LocalDate from) =>
        RunAsync(registry.Commands.HandleAsync(new ChangeOrganisationParent(id, parent, from, BuiltInOrganisations.RegistryAdmin, Recorded), cancellationToken: Cancel));

    [Fact]
    public async Task a_backdated_parent_change_moves_every_descendant_without_touching_their_streams()
    {
        var registry = await fixture.StartAsync();
        await OrganisationAsync(registry, "hold", OrganisationKind.Distributor, "CN");
        await OrganisationAsync(registry, "mid", OrganisationKind.Distributor, "SG");
        await OrganisationAsync(registry, "op1", OrganisationKind.Operator, "US");
        await ParentAsync(registry, "op1", "mid", new LocalDate(2024, 1, 1));

        using var daemon = Daemon(registry);
        await daemon.StartAsync(Cancel);
        try
        {
            await daemon.WaitForCatchUpAsync(Cancel);
            Assert.Equal(["2020-01-01 2024-01-01 - op1 US", "2024-01-01 - mid mid SG"],
                await RowsAsync(registry, ReferenceIntervalProjection.OrganisationParents, "org_id", "op1"));

            // Recorded later, effective in between: op1's chain changes from March although only mid's stream moved.
            await ParentAsync(registry, "mid", "hold", new LocalDate(2024, 3, 1));
            await daemon.WaitForCatchUpAsync(Cancel);
            Assert.Equal(["2020-01-01 2024-01-01 - op1 US", "2024-01-01 2024-03-01 mid mid SG", "2024-03-01 - mid hold CN"],
                await RowsAsync(registry, ReferenceIntervalProjection.OrganisationParents, "org_id", "op1"));
            Assert.Equal(["2020-01-01 2024-03-01 - mid SG", "2024-03-01 - hold hold CN"],
                await RowsAsync(registry, ReferenceIntervalProjection.OrganisationParents, "org_id", "mid"));
            Assert.Equal(["2020-01-01 - - hold CN"], await RowsAsync(registry, ReferenceIntervalProjection.OrganisationParents, "org_id", "hold"));

            // Backdated before everything: op1 leaves mid in February; the March change above mid no longer reaches it.
            await ParentAsync(registry, "op1", null, new LocalDate(2024, 2, 1));
            await daemon.WaitForCatchUpAsync(Cancel);
            Assert.Equal(["2020-01-01 2024-01-01 - op1 US", "2024-01-01 2024-02-01 mid mid SG", "2024-02-01 - - op1 US"],
                await RowsAsync(registry, ReferenceIntervalProjection.OrganisationParents, "org_id", "op1"));

            var before = await RowsAsync(registry, ReferenceIntervalProjection.OrganisationParents, "org_id", "op1");
            await daemon.RebuildAsync(ReferenceIntervalProjection.ProjectionName, Cancel);
            Assert.Equal(before, await RowsAsync(registry, ReferenceIntervalProjection.OrganisationParents, "org_id", "op1"));
        }
        finally
        {
            await daemon.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task late_power_declarations_and_operator_hand_overs_reshape_a_facilitys_terms()
    {
        var registry = await fixture.StartAsync();
        await OrganisationAsync(registry, "op1", OrganisationKind.Operator, "US");
        await OrganisationAsync(registry, "op2", OrganisationKind.Operator, "SG");
        var op1 = new Actor("op1", OrganisationKind.Operator);
        var op2 = new Actor("op2", OrganisationKind.Operator);
        var agency = new Actor("bis", OrganisationKind.Agency);
        var newOperator = (await registry.Reads.LoadOrganisationAsync("op2", Cancel)).State;
        await RunAsync(registry.Commands.HandleAsync(new RegisterFacility("f1", "Site", "US", 35m, -90m, 100m, op1, Utc(1, 10)), cancellationToken: Cancel));
        await RunAsync(registry.Commands.HandleAsync(new DeclareFacilityPower("f1", 150m, op1, Utc(2, 1)), cancellationToken: Cancel));
        await RunAsync(registry.Commands.HandleAsync(new ChangeFacilityOperator("f1", "op2", new LocalDate(2024, 4, 1), newOperator, op1, Utc(4, 2)), cancellationToken: Cancel));

        using var daemon = Daemon(registry);
        await daemon.StartAsync(Cancel);
        try
        {
            await daemon.WaitForCatchUpAsync(Cancel);
            Assert.Equal(["2024-01-10 2024-02-01 op1 US 100", "2024-02-01 2024-04-01 op1 US 150", "2024-04-01 - op2 US 150"],
                await RowsAsync(registry, ReferenceIntervalProjection.FacilityTerms, "facility_id", "f1"));

            // A declaration reported late lands at its own time; an agency dates the hand-over a month earlier.
            await RunAsync(registry.Commands.HandleAsync(new DeclareFacilityPower("f1", 120m, op2, Utc(1, 20)), cancellationToken: Cancel));
            await RunAsync(registry.Commands.HandleAsync(new ChangeFacilityOperator("f1", "op2", new LocalDate(2024, 3, 1), newOperator, agency, Utc(5, 1)), cancellationToken: Cancel));
            await daemon.WaitForCatchUpAsync(Cancel);
            Assert.Equal(["2024-01-10 2024-01-20 op1 US 100", "2024-01-20 2024-02-01 op1 US 120", "2024-02-01 2024-03-01 op1 US 150", "2024-03-01 - op2 US 150"],
                await RowsAsync(registry, ReferenceIntervalProjection.FacilityTerms, "facility_id", "f1"));
            Assert.Equal("op2", (await registry.Reads.LoadFacilityAsync("f1", Cancel)).State!.OperatorId);
        }
        finally
        {
            await daemon.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task a_spec_revision_and_an_agency_finding_give_the_spec_in_force_over_time()
    {
        var registry = await fixture.StartAsync();
        var modelId = $"nvidia-ref-{Guid.NewGuid():N}"[..24];
        var nvidia = new Actor("nvidia", OrganisationKind.Manufacturer);
        var spec = CatalogSeed.H100Sxm with { ModelId = modelId };
        await RunAsync(registry.Commands.HandleAsync(new RegisterAcceleratorModel(spec, nvidia, Utc(1, 1)), cancellationToken: Cancel));
        await RunAsync(registry.Commands.HandleAsync(new ReviseAcceleratorSpec(modelId, spec with { Throughput = [new ThroughputFigure("FP8", 2000m, 8)] }, "", nvidia, Utc(3, 1)), cancellationToken: Cancel));
        await RunAsync(registry.Commands.HandleAsync(new RecordSpecFinding(modelId, spec with { Throughput = [new ThroughputFigure("FP8", 2500m, 8)], TdpWatts = new Figure(800m) }, "measured", new Actor("bis", OrganisationKind.Agency), Utc(6, 1)), cancellationToken: Cancel));

        using var daemon = Daemon(registry);
        await daemon.StartAsync(Cancel);
        try
        {
            await daemon.WaitForCatchUpAsync(Cancel);
            Assert.Equal(["2024-01-01 2024-03-01 15831.2 700", "2024-03-01 2024-06-01 16000 700", "2024-06-01 - 20000 800"],
                await RowsAsync(registry, ReferenceIntervalProjection.ModelSpecs, "model_id", modelId));
        }
        finally
        {
            await daemon.StopAsync(CancellationToken.None);
        }
    }
}
