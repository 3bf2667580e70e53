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

    private static readonly Organisation Successor = new("op2", "NewCo", OrganisationKind.Operator, "SG", new LocalDate(2020, 1, 1), []);

    private static ChangeFacilityOperator HandOver(Actor by, LocalDate from, Organisation? to = null) =>
        new("f1", (to ?? Successor).Id, from, to ?? Successor, by, T0 + Duration.FromDays(60));

    [Fact]
    public void the_operator_hands_its_facility_over_and_a_late_earlier_dated_hand_over_changes_only_the_past()
    {
        var handedOver = Facility.Fold([.. FacilityDecisions.Decide(new RegisterFacility("f1", "Memphis", "US", 35.1m, -90.0m, 150m, Op, T0), null).Events,
            .. FacilityDecisions.Decide(HandOver(Op, new LocalDate(2024, 2, 1)), Registered()).Events])!;
        Assert.Equal("op2", handedOver.OperatorId);

        var third = new Organisation("op3", "ThirdCo", OrganisationKind.Operator, "DE", new LocalDate(2020, 1, 1), []);
        var agency = new Actor("bis", OrganisationKind.Agency);
        var earlier = FacilityDecisions.Decide(HandOver(agency, new LocalDate(2024, 1, 15), third), handedOver);
        Assert.True(earlier.IsAccepted, earlier.ToString());
        var after = Facility.Evolve(handedOver, earlier.Events.Single())!;
        Assert.Equal("op2", after.OperatorId);
        Assert.Equal([new OperatorLink(new LocalDate(2024, 1, 15), "op3"), new OperatorLink(new LocalDate(2024, 2, 1), "op2")], after.OperatorHistory);
    }

    [Fact]
    public void a_hand_over_is_refused_to_strangers_to_non_operators_outside_the_facilitys_life_and_to_the_operator_in_charge()
    {
        Assert.Equal("not_facility_operator", FacilityDecisions.Decide(HandOver(new Actor("op9", OrganisationKind.Operator), new LocalDate(2024, 2, 1)), Registered()).Error?.Code);
        Assert.Equal("operator_not_registered", FacilityDecisions.Decide(new ChangeFacilityOperator("f1", "ghost", new LocalDate(2024, 2, 1), null, Op, T0 + Duration.FromDays(60)), Registered()).Error?.Code);
        Assert.Equal("not_an_operator", FacilityDecisions.Decide(HandOver(Op, new LocalDate(2024, 2, 1), Successor with { Kind = OrganisationKind.Distributor }), Registered()).Error?.Code);
        Assert.Equal("invalid_effective_date", FacilityDecisions.Decide(HandOver(Op, new LocalDate(2023, 12, 31)), Registered()).Error?.Code);
        Assert.Equal("invalid_effective_date", FacilityDecisions.Decide(HandOver(Op, new LocalDate(2024, 3, 2)), Registered()).Error?.Code);
        Assert.Equal("operator_unchanged", FacilityDecisions.Decide(HandOver(Op, new LocalDate(2024, 2, 1), new Organisation("op", "Op", OrganisationKind.Operator, "US", new LocalDate(2020, 1, 1), [])), Registered()).Error?.Code);
        Assert.Equal("facility_not_registered", FacilityDecisions.Decide(HandOver(Op, new LocalDate(2024, 2, 1)), null).Error?.Code);
    }
}
