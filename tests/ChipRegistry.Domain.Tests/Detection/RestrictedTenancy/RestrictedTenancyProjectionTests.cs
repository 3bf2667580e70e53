using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Detection.RestrictedTenancy;
using ChipRegistry.Domain.Detection.Thresholds;
using ChipRegistry.Domain.Tests.Chips;
using ChipRegistry.Domain.Tests.Persistence;
using NodaTime;
using static ChipRegistry.Domain.Tests.Detection.DetectionScenario;

namespace ChipRegistry.Domain.Tests.Detection.RestrictedTenancy;

/// <summary>
/// Rule 13 on the daemon, with the minimum set to 3 chips by a threshold change: 3 chips of a cluster assigned for 7
/// days to a Malaysian tenant whose parent is Chinese open a flag at the deadline once a tick reaches it; a tenant
/// without a restricted parent, a tenancy of 6 days, or a tick before the deadline raise none; the tenancy ending closes
/// it; a void that leaves fewer than the minimum withdraws it; a rebuild gives the same flags.
/// </summary>
public sealed class RestrictedTenancyProjectionTests(RegistryStoreFixture fixture) : IClassFixture<RegistryStoreFixture>
{
    private static readonly Instant Assigned = On(2025, 4, 1);

    private async Task<DetectionScenario> StartAsync()
    {
        var scenario = await DetectionScenario.StartAsync(fixture, serializer => new RestrictedTenancyProjection(serializer), RestrictedTenancyProjection.FlagsTable);
        await scenario.ThresholdAsync(DetectionThresholds.TenancyMinChips, "3", On(2020, 1, 1));
        await scenario.OrganisationAsync("my-sub", "MY", new LocalDate(2024, 1, 1), parent: CnBuyer.OrganisationId);
        return scenario;
    }

    private static async Task<string[]> InstalledAsync(DetectionScenario scenario, string name, string facility)
    {
        var chips = await scenario.MadeAsync(name, 3, On(2025, 1, 1));
        await scenario.ShipAsync(chips, Nvidia, UsOp.OrganisationId, "US", On(2025, 2, 1));
        await scenario.ReceiveAsync(chips, UsOp, "US", On(2025, 2, 5));
        foreach (var chip in chips)
        {
            await scenario.RunAsync(new InstallChip(ChipWorld.Id(), chip, ChipWorld.FacilityOf(UsOp.OrganisationId, facility, "US"), "c1", "r1", UsOp, On(2025, 3, 1)));
        }
        return chips;
    }

    private static async Task<Guid[]> AssignAsync(DetectionScenario scenario, IEnumerable<string> chips, string tenant, Instant from, Instant? to = null)
    {
        var events = new List<Guid>();
        foreach (var chip in chips) events.Add(await scenario.RunAsync(new AssignChipTenant(ChipWorld.Id(), chip, tenant, from, to, UsOp, from)));
        return [.. events];
    }

    [Fact]
    public async Task a_cluster_rented_for_7_days_to_a_chinese_owned_tenant_is_flagged_at_the_deadline_and_closes_when_the_tenancy_ends()
    {
        await using var scenario = await StartAsync();
        var rented = await InstalledAsync(scenario, "rented", "f-rented");
        var assignments = await AssignAsync(scenario, rented, "my-sub", Assigned);
        await AssignAsync(scenario, await InstalledAsync(scenario, "unrestricted", "f-unrestricted"), MyBroker.OrganisationId, Assigned);
        await AssignAsync(scenario, await InstalledAsync(scenario, "six-days", "f-six-days"), "my-sub", Assigned, Assigned + Duration.FromDays(6));
        await scenario.TickAsync(On(2025, 4, 8, 11));
        Assert.Empty(await scenario.FlagsAsync());

        await scenario.TickAsync(On(2025, 4, 9));
        var flag = Assert.Single(await scenario.FlagsAsync());
        var evidence = await scenario.SeqIdsAsync(assignments);
        Assert.Equal(FlagIds.Of(13, new FlagSubject(FlagSubjectKinds.Cluster, "f-rented/c1"), evidence[0]), flag.Id);
        Assert.Equal((On(2025, 4, 8), (Instant?)null, false, FlagSeverities.High, "US"), (flag.OpenedAt, flag.ClosedAt, flag.Withdrawn, flag.Severity, flag.Country));
        Assert.Equal(evidence, flag.Evidence);
        Assert.Equal(rented.Order(StringComparer.Ordinal), flag.Chips);
        Assert.Equal("3 chips of cluster c1 at f-rented in US were assigned to my-sub, whose ultimate parent cn-buyer is headquartered in CN, for 7 days by "
            + "2025-04-08 (from 2025-04-01; minimum 3)", flag.Explanation);

        await AssignAsync(scenario, rented.Take(1), UsOp.OrganisationId, On(2025, 4, 20));
        var closed = Assert.Single(await scenario.FlagsAsync());
        Assert.Equal((flag.Id, (Instant?)On(2025, 4, 20)), (closed.Id, closed.ClosedAt));
        Assert.EndsWith("; fewer than 3 stayed assigned from 2025-04-20", closed.Explanation);
    }

    [Fact]
    public async Task a_void_leaving_fewer_than_the_minimum_withdraws_the_flag_and_a_rebuild_reproduces_it()
    {
        await using var scenario = await StartAsync();
        var chips = await InstalledAsync(scenario, "void", "f-void");
        var assignments = await AssignAsync(scenario, chips, CnBuyer.OrganisationId, Assigned);
        await scenario.TickAsync(On(2025, 4, 9));
        var opened = Assert.Single(await scenario.FlagsAsync());
        Assert.Contains("assigned to cn-buyer, headquartered in CN,", opened.Explanation, StringComparison.Ordinal);

        await scenario.RunAsync(new VoidChipEvent(ChipWorld.Id(), chips[0], assignments[0], "never rented", UsOp, On(2025, 4, 10)));
        var withdrawn = Assert.Single(await scenario.FlagsAsync());
        Assert.Equal((opened.Id, true), (withdrawn.Id, withdrawn.Withdrawn));

        var flags = (await scenario.FlagsAsync()).Select(FlagText.Of).ToList();
        await scenario.RebuildAsync(RestrictedTenancyProjection.Prefix);
        Assert.Equal(flags, (await scenario.FlagsAsync()).Select(FlagText.Of));
    }
}
