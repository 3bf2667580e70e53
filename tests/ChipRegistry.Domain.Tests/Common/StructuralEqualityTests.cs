using ChipRegistry.Domain.Assemblies;
using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Facilities;
using ChipRegistry.Domain.Licences;
using ChipRegistry.Domain.Organisations;
using NodaTime;

namespace ChipRegistry.Domain.Tests.Common;

/// <summary>
/// Events and states that hold lists compare by content, so a value read back from storage (new list instances)
/// equals the one written, and a rebuilt state equals the incrementally maintained one.
/// </summary>
public class StructuralEqualityTests
{
    private static readonly Instant T = Instant.FromUtc(2024, 1, 1, 0, 0);

    [Fact]
    public void events_with_lists_compare_by_content()
    {
        LicenceGranted Granted(params string[] models) => new("l1", "D1", "h", "c", "u", "AE", models.ToList(), 5, new LocalDate(2024, 1, 1), new LocalDate(2024, 12, 31), "bis", T);
        Assert.Equal(Granted("a", "b"), Granted("a", "b"));
        Assert.NotEqual(Granted("a", "b"), Granted("b", "a"));

        AssemblyShipped Shipped(params string[] chips) => new("x", "US", "c", "u", "b", "s", "p", null, chips.ToList(), "mfr", T);
        Assert.Equal(Shipped("1", "2"), Shipped("1", "2"));
        Assert.NotEqual(Shipped("1", "2"), Shipped("1"));

        var spec = CatalogSeed.H100Sxm with { Throughput = CatalogSeed.H100Sxm.Throughput.ToList() };
        Assert.Equal(new AcceleratorModelRegistered("m", "nvidia", CatalogSeed.H100Sxm, "nvidia", T), new AcceleratorModelRegistered("m", "nvidia", spec, "nvidia", T));
    }

    [Fact]
    public void states_with_lists_compare_by_content()
    {
        Assert.Equal(new Assembly("a", AssemblyKind.Server, "s", AssemblyStage.InStock, "c", "US", null, null, ["1"]),
            new Assembly("a", AssemblyKind.Server, "s", AssemblyStage.InStock, "c", "US", null, null, new List<string> { "1" }));
        Assert.Equal(new Facility("f", "op", "n", "US", 1m, 2m, 3m, [new Cluster("c1", "x")]),
            new Facility("f", "op", "n", "US", 1m, 2m, 3m, new List<Cluster> { new("c1", "x") }));
        Assert.Equal(new Organisation("o", "n", OrganisationKind.Operator, "US", new LocalDate(2020, 1, 1), [new ParentLink(new LocalDate(2021, 1, 1), "p")]),
            new Organisation("o", "n", OrganisationKind.Operator, "US", new LocalDate(2020, 1, 1), new List<ParentLink> { new(new LocalDate(2021, 1, 1), "p") }));
        Assert.NotEqual(new Licence("l", "n", "h", "c", "u", "AE", ["m1"], 1, new LocalDate(2024, 1, 1), new LocalDate(2024, 2, 1), "bis", null),
            new Licence("l", "n", "h", "c", "u", "AE", ["m2"], 1, new LocalDate(2024, 1, 1), new LocalDate(2024, 2, 1), "bis", null));
    }
}
