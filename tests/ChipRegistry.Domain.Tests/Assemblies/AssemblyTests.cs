using ChipRegistry.Domain.Assemblies;
using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Organisations;
using static ChipRegistry.Domain.Tests.Chips.ChipWorld;

namespace ChipRegistry.Domain.Tests.Assemblies;

public class AssemblyTests
{
    private static readonly Actor Integrator = new("mfr", OrganisationKind.Manufacturer);
    private static readonly string[] ChipIds = ["nvidia:1", "nvidia:2", "nvidia:3"];

    private static (Assembly Assembly, Dictionary<string, ChipState> Chips) Packed()
    {
        var assembly = Assembly.Fold(AssemblyDecisions.Decide(new RegisterAssembly("hgx-1", AssemblyKind.Board, "SN-HGX-1", "TW", Integrator, Next()), null).Events)!;
        var chips = ChipIds.ToDictionary(id => id, id => InStock(id));
        var d = AssemblyDecisions.Decide(new PackChipsIntoAssembly(Id(), "hgx-1", ChipIds, Integrator, Next()), assembly, chips);
        Assert.True(d.IsAccepted, d.ToString());
        return Apply(assembly, chips, d.Events);
    }

    [Theory]
    [InlineData("SN\u200b1")]
    [InlineData("'; drop table events; --")]
    [InlineData("sn 1")]
    public void an_assembly_serial_outside_the_serial_grammar_is_invalid_serial(string serial) =>
        Assert.Equal(Serials.InvalidSerial, AssemblyDecisions.Decide(new RegisterAssembly("hgx-2", AssemblyKind.Board, serial, "TW", Integrator, Next()), null).Error?.Code);

    private static (Assembly, Dictionary<string, ChipState>) Apply(Assembly assembly, Dictionary<string, ChipState> chips, IReadOnlyList<StreamEvents> streams)
    {
        foreach (var stream in streams)
        {
            if (stream.Stream.Category == "assembly") assembly = stream.Events.Cast<IAssemblyEvent>().Aggregate(assembly, (a, e) => Assembly.Evolve(a, e)!);
            else chips[stream.Stream.Id] = stream.Events.Cast<IChipEvent>().Aggregate(chips[stream.Stream.Id], ChipState.Evolve);
        }
        return (assembly, chips);
    }

    private static ShipAssembly Ship(Actor actor) => new(Id(), "hgx-1", "US", "op", "op", "op", "op", "op", null,
        new Dictionary<string, AcceleratorSpec> { [CatalogSeed.H100Sxm.ModelId] = CatalogSeed.H100Sxm },
        Party("op", "US"), Party("op", "US"), null, null, 0, actor, Next());

    [Fact]
    public void packing_appends_to_the_assembly_and_to_every_chip()
    {
        var (assembly, chips) = Packed();
        Assert.Equal(ChipIds, assembly.ChipIds);
        Assert.All(chips.Values, c => Assert.Equal("hgx-1", c.AssemblyId));
    }

    [Fact]
    public void shipping_an_assembly_produces_events_for_it_and_every_packed_chip()
    {
        var (assembly, chips) = Packed();
        var d = AssemblyDecisions.Decide(Ship(Integrator), assembly, chips);

        Assert.True(d.IsAccepted, d.ToString());
        Assert.Equal(["assembly/hgx-1", .. ChipIds.Select(id => $"chip/{id}")], d.Events.Select(s => s.Stream.ToString()));
        Assert.IsType<AssemblyShipped>(Assert.Single(d.Events[0].Events));
        var shipped = d.Events.Skip(1).Select(s => Assert.IsType<ChipShipped>(Assert.Single(s.Events))).ToList();
        Assert.All(shipped, e => Assert.Equal(("hgx-1", "op", ChipRegistry.Domain.Licences.LicenceCheckResult.NoneNeeded), (e.AssemblyId, e.ConsigneeId, e.LicenceCheck)));
        Assert.Equal(3, shipped.Select(e => e.EventId).Distinct().Count());
    }

    [Fact]
    public void a_packed_chip_moves_only_with_its_assembly()
    {
        var (_, chips) = Packed();
        Assert.Equal("chip_in_assembly", ChipDecisions.Decide(Chips.ChipWorld.Ship(chips["nvidia:1"], Mfr), chips["nvidia:1"]).Error?.Code);
    }

    [Fact]
    public void a_held_chip_stops_the_whole_assembly_and_nothing_is_produced()
    {
        var (assembly, chips) = Packed();
        chips["nvidia:2"] = chips["nvidia:2"].Then(new PlaceChipHold(Id(), "nvidia:2", "x", Bis, Next()));

        var d = AssemblyDecisions.Decide(Ship(Integrator), assembly, chips);

        Assert.Equal("chip_on_hold", d.Error?.Code);
        Assert.Contains("nvidia:2", d.Error!.Message, StringComparison.Ordinal);
        Assert.Empty(d.Events);
    }

    [Fact]
    public void receiving_and_installing_an_assembly_moves_every_chip()
    {
        var (assembly, chips) = Packed();
        (assembly, chips) = Apply(assembly, chips, AssemblyDecisions.Decide(Ship(Integrator), assembly, chips).Events);
        Assert.Equal("not_custodian", AssemblyDecisions.Decide(new ReceiveAssembly(Id(), "hgx-1", "US", Stranger, Next()), assembly, chips).Error?.Code);

        (assembly, chips) = Apply(assembly, chips, AssemblyDecisions.Decide(new ReceiveAssembly(Id(), "hgx-1", "US", Op, Next()), assembly, chips).Events);
        Assert.All(chips.Values, c => Assert.Equal(("op", ChipStage.InStock), (c.CustodianId, c.Stage)));

        var install = AssemblyDecisions.Decide(new InstallAssembly(Id(), "hgx-1", FacilityOf("op"), "c1", "r7", Op, Next()), assembly, chips);
        (assembly, chips) = Apply(assembly, chips, install.Events);
        Assert.Equal(AssemblyStage.Installed, assembly.Stage);
        Assert.All(chips.Values, c => Assert.Equal(("f1", "r7"), (c.Installation!.FacilityId, c.Installation.Rack)));
    }

    [Fact]
    public void only_the_custodian_ships_an_assembly() =>
        Assert.Equal("not_custodian", AssemblyDecisions.Decide(Ship(Stranger), Packed().Assembly, Packed().Chips).Error?.Code);
}
