using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Facilities;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Projections.Concentration;
using ChipRegistry.Domain.Tests.Persistence;
using ChipRegistry.Testing;
using NodaTime;
using static ChipRegistry.Domain.Tests.Projections.Concentration.ConcentrationWorld;

namespace ChipRegistry.Domain.Tests.Projections.Concentration;

/// <summary>
/// Concentration now and as of past days, from the tables the daemon keeps, for hand-built histories: a late receipt,
/// a voided installation, a tenancy that ends, a backdated parent change, a facility hand-over, a spec revision,
/// chips moving packed in an assembly and an observation that moves nothing. Each answer is also checked against
/// the brute-force fold of the events (<see cref="ConcentrationOracle"/>).
/// </summary>
public sealed class ConcentrationScenarioTests(RegistryStoreFixture fixture) : IClassFixture<RegistryStoreFixture>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private const string Model = "nvidia-conc-a";

    private static LocalDate Date(int day) => Base.Plus(Duration.FromDays(day)).InUtc().Date;

    private static string Line(IReadOnlyList<string> groups, string key) => groups.Single(g => g.StartsWith(key + " ", StringComparison.Ordinal));

    [Fact]
    public async Task as_of_answers_follow_late_reports_voids_tenancies_hand_overs_parent_changes_and_spec_revisions()
    {
        var world = new ConcentrationWorld(await fixture.StartAsync());
        await world.OrganisationAsync("op1", OrganisationKind.Operator, "US");
        await world.OrganisationAsync("op2", OrganisationKind.Operator, "SG");
        await world.OrganisationAsync("hold", OrganisationKind.Distributor, "CN");
        await world.OrganisationAsync("renter", OrganisationKind.EndUser, "AE");
        await world.ModelAsync(Model);
        await world.FacilityAsync("f1", "op1", 100m);

        // Chip a: installed in February, rented 10..20 Feb, removed 10 March; its receipt is reported after the installation.
        var shipA = Shipped("nvidia:a", "op1", "US", Day(9));
        var receiptA = Received(shipA, "op1", Day(19));
        await world.ChipAsync("nvidia:a", Fabricated("nvidia:a", Model, Day(4)), shipA, Installed("nvidia:a", "f1", "op1", Day(31)));
        await world.ChipAsync("nvidia:a", receiptA,
            new ChipTenantAssigned(Guid.NewGuid(), "nvidia:a", "renter", Day(40, 0), Day(50, 0), "op1", Day(35)),
            new ChipObserved(Guid.NewGuid(), "nvidia:a", "customs", true, "elsewhere", null, "RU", null, "seen elsewhere", "hold", Day(45)),
            new ChipRemoved(Guid.NewGuid(), "nvidia:a", "f1", "rma", "op1", Day(69)));

        // Chip b: its installation is voided later; it never left stock after its receipt.
        var shipB = Shipped("nvidia:b", "op1", "US", Day(9));
        var installB = Installed("nvidia:b", "f1", "op1", Day(31));
        await world.ChipAsync("nvidia:b", Fabricated("nvidia:b", Model, Day(4)), shipB, Received(shipB, "op1", Day(19)), installB);

        // Chip c: destroyed in January, counted before and never after.
        await world.ChipAsync("nvidia:c", Fabricated("nvidia:c", Model, Day(4)), new ChipDestroyed(Guid.NewGuid(), "nvidia:c", "shredded", "mk", Day(24)));

        // Chip d: packed into an assembly and shipped with it, received packed, unpacked in stock.
        var shipD = Shipped("nvidia:d", "op2", "SG", Day(9), "asm-1");
        await world.ChipAsync("nvidia:d", Fabricated("nvidia:d", Model, Day(4)), new ChipPacked(Guid.NewGuid(), "nvidia:d", "asm-1", "mk", Day(6)), shipD,
            new ChipReceived(Guid.NewGuid(), "nvidia:d", shipD.EventId, "SG", "asm-1", "op2", Day(29)), new ChipUnpacked(Guid.NewGuid(), "nvidia:d", "asm-1", "op2", Day(33)));

        using var daemon = world.Daemon();
        await daemon.StartAsync(Cancel);
        try
        {
            await daemon.WaitForCatchUpAsync(Cancel);
            var feb16 = new ConcentrationQuery(ConcentrationGrouping.Operator, Date(46));
            Assert.Equal(world.Expected(feb16), await world.ProjectedAsync(feb16));
            Assert.Equal("op1 - 2 31662.4 2 1400 - nvidia-conc-a:installed:2", Line(await world.ProjectedAsync(feb16), "op1"));

            // Late facts: b's installation was a mistake; op2 took f1 over on 15 Feb; op2 belongs to hold since 1 Feb;
            // the model's spec was revised on 1 March.
            await world.ChipAsync("nvidia:b", new ChipEventVoided(Guid.NewGuid(), "nvidia:b", installB.EventId, installB.EventId, "wrong chip", "op1", Day(90)));
            await world.FacilityEventAsync(new FacilityOperatorChanged("f1", "op2", Date(45), "bis", Day(90)));
            await world.ParentAsync("op2", "hold", Date(31), Day(90));
            await world.ReviseAsync(Model, 2000m, Day(60, 0));
            await daemon.WaitForCatchUpAsync(Cancel);

            var operators = await world.ProjectedAsync(feb16);
            Assert.Equal(world.Expected(feb16), operators);
            Assert.Equal("op2 - 1 15831.2 1 700 - nvidia-conc-a:installed:1", Line(operators, "op2"));
            Assert.Equal("*in_stock - 2 31662.4 2 0 - nvidia-conc-a:in_stock:2", Line(operators, "*in_stock"));
            var feb14 = feb16 with { AsOf = Date(44) };
            Assert.Equal(world.Expected(feb14), await world.ProjectedAsync(feb14));
            Assert.StartsWith("op1 - 1 ", Line(await world.ProjectedAsync(feb14), "op1"), StringComparison.Ordinal);

            var parents = feb16 with { Grouping = ConcentrationGrouping.OperatorParent };
            Assert.Equal(world.Expected(parents), await world.ProjectedAsync(parents));
            Assert.StartsWith("hold CN 1 ", Line(await world.ProjectedAsync(parents), "hold"), StringComparison.Ordinal);

            var tenants = feb16 with { Grouping = ConcentrationGrouping.TenantParent };
            Assert.StartsWith("renter AE 1 ", Line(await world.ProjectedAsync(tenants), "renter"), StringComparison.Ordinal);
            var afterTenancy = tenants with { AsOf = Date(50) };
            Assert.DoesNotContain(await world.ProjectedAsync(afterTenancy), g => g.StartsWith("renter", StringComparison.Ordinal));
            Assert.Equal(world.Expected(afterTenancy), await world.ProjectedAsync(afterTenancy));

            // The revision counts from 1 March on: chip a back in stock, three chips at TPP 16000.
            var march = new ConcentrationQuery(ConcentrationGrouping.Country, Date(75));
            Assert.Equal(world.Expected(march), await world.ProjectedAsync(march));
            Assert.StartsWith("US - 2 32000 ", Line(await world.ProjectedAsync(march), "US"), StringComparison.Ordinal);

            // Before the destruction chip c counts (in stock in Taiwan); after it, never.
            var january = march with { AsOf = Date(20) };
            Assert.Equal(world.Expected(january), await world.ProjectedAsync(january));
            Assert.StartsWith("TW - 1 ", Line(await world.ProjectedAsync(january), "TW"), StringComparison.Ordinal);
            Assert.Equal(3, (await world.ProjectedAsync(january with { AsOf = Date(25) })).Sum(l => int.Parse(l.Split(' ')[2], System.Globalization.CultureInfo.InvariantCulture)));

            foreach (var grouping in Enum.GetValues<ConcentrationGrouping>())
            {
                foreach (var day in new[] { 3, 10, 30, 32, 41, 47, 61, 100 })
                {
                    var query = new ConcentrationQuery(grouping, Date(day));
                    Assert.Equal(world.Expected(query), await world.ProjectedAsync(query));
                }
            }
            var installedByOp2 = new ConcentrationQuery(ConcentrationGrouping.Facility, Date(46), OperatorId: "op2");
            Assert.Equal(["f1 - 1 15831.2 1 700 100 nvidia-conc-a:installed:1"], await world.ProjectedAsync(installedByOp2));
            Assert.Empty(await world.ProjectedAsync(installedByOp2 with { OperatorId = "op1" }));
        }
        finally
        {
            await daemon.StopAsync(CancellationToken.None);
        }
    }
}
