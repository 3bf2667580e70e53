using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Facilities;
using ChipRegistry.Domain.Organisations;
using NodaTime;

namespace ChipRegistry.Domain.Tests.Facilities;

public class FacilityDecisionTests
{
    private static readonly Instant T0 = Instant.FromUtc(2024, 1, 1, 0, 0);
    private static readonly Actor Op = new("op", OrganisationKind.Operator);

    private static Facility Registered() =>
        Facility.Fold(FacilityDecisions.Decide(new RegisterFacility("f1", "Memphis", "US", 35.1m, -90.0m, 150m, Op, T0), null).Events)!;

    [Fact]
    public void an_operator_registers_a_facility_and_becomes_its_operator()
    {
        var f = Registered();
        Assert.Equal(("op", "US", 150m), (f.OperatorId, f.Country, f.DeclaredPowerMw));
    }

    [Theory]
    [InlineData(91, 0)]
    [InlineData(0, 181)]
    public void coordinates_must_be_on_earth(decimal lat, decimal lon) =>
        Assert.Equal("invalid_coordinates", FacilityDecisions.Decide(new RegisterFacility("f1", "x", "US", lat, lon, 1m, Op, T0), null).Error?.Code);

    [Fact]
    public void only_an_operator_registers_a_facility() =>
        Assert.Equal("not_operator", FacilityDecisions.Decide(new RegisterFacility("f1", "x", "US", 0, 0, 1m, new Actor("d", OrganisationKind.Distributor), T0), null).Error?.Code);

    [Fact]
    public void only_the_facilitys_operator_adds_clusters_and_declares_power()
    {
        var other = new Actor("op2", OrganisationKind.Operator);
        Assert.Equal("not_facility_operator", FacilityDecisions.Decide(new RegisterCluster("f1", "c1", "x", other, T0), Registered()).Error?.Code);
        Assert.Equal("not_facility_operator", FacilityDecisions.Decide(new DeclareFacilityPower("f1", 10m, other, T0), Registered()).Error?.Code);
    }

    [Fact]
    public void clusters_are_unique_within_a_facility()
    {
        var f = Facility.Evolve(Registered(), FacilityDecisions.Decide(new RegisterCluster("f1", "c1", "hall A", Op, T0), Registered()).Events.Single())!;
        Assert.True(f.HasCluster("c1"));
        Assert.Equal("cluster_already_registered", FacilityDecisions.Decide(new RegisterCluster("f1", "c1", "again", Op, T0), f).Error?.Code);
    }

    [Fact]
    public void declared_power_must_be_positive() =>
        Assert.Equal("invalid_power", FacilityDecisions.Decide(new DeclareFacilityPower("f1", 0m, Op, T0), Registered()).Error?.Code);
}
