using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Organisations;
using NodaTime;

namespace ChipRegistry.Domain.Tests.Organisations;

public class OrganisationDecisionTests
{
    private static readonly Instant T0 = Instant.FromUtc(2024, 1, 1, 0, 0);
    private static readonly LocalDate D0 = new(2024, 1, 1);
    private static readonly Actor Admin = BuiltInOrganisations.RegistryAdmin;

    private static Organisation Org(string id, string country, params ParentLink[] parents) =>
        new(id, id, OrganisationKind.Distributor, country, new LocalDate(2020, 1, 1), parents);

    [Fact]
    public void the_registry_registers_an_organisation()
    {
        var d = OrganisationDecisions.Decide(new RegisterOrganisation("acme", "Acme", OrganisationKind.Distributor, "SG", new LocalDate(2025, 1, 2), Admin, T0), null);
        var state = Organisation.Fold(d.Events)!;
        Assert.Equal(("SG", OrganisationKind.Distributor, new LocalDate(2025, 1, 2)), (state.Country, state.Kind, state.FoundedOn));
    }

    [Fact]
    public void only_the_registry_registers_organisations() =>
        Assert.Equal("not_registry_admin", OrganisationDecisions.Decide(
            new RegisterOrganisation("acme", "Acme", OrganisationKind.Distributor, "SG", D0, new Actor("x", OrganisationKind.Agency), T0), null).Error?.Code);

    [Fact]
    public void a_country_must_be_iso_alpha2() =>
        Assert.Equal("invalid_country", OrganisationDecisions.Decide(
            new RegisterOrganisation("acme", "Acme", OrganisationKind.Distributor, "Singapore", D0, Admin, T0), null).Error?.Code);

    [Fact]
    public void the_ultimate_parent_follows_effective_dated_changes()
    {
        var sub = Org("sub", "MY", new ParentLink(new LocalDate(2023, 1, 1), "mid"), new ParentLink(new LocalDate(2025, 1, 1), null));
        var directory = new OrganisationDirectory([sub, Org("mid", "SG", new ParentLink(new LocalDate(2020, 1, 1), "top")), Org("top", "CN")]);

        Assert.Equal("sub", directory.UltimateParentId("sub", new LocalDate(2022, 6, 1)));
        Assert.Equal(new PartyJurisdiction("sub", "MY", "top", "CN"), directory.Jurisdiction("sub", new LocalDate(2024, 6, 1)));
        Assert.Equal("sub", directory.UltimateParentId("sub", new LocalDate(2025, 6, 1)));
    }

    [Fact]
    public void a_cyclic_parent_change_is_rejected()
    {
        var a = Org("a", "SG", new ParentLink(D0, "b"));
        var b = Org("b", "MY", new ParentLink(D0, "c"));
        var c = Org("c", "CN");
        var directory = new OrganisationDirectory([a, b, c]);

        var d = OrganisationDecisions.Decide(new ChangeOrganisationParent("c", "a", D0.PlusDays(10), Admin, T0), c, directory);

        Assert.Equal("parent_cycle", d.Error?.Code);
        Assert.Empty(d.Events);
    }

    [Fact]
    public void a_parent_change_that_would_loop_only_after_a_later_dated_change_is_rejected()
    {
        // b becomes a's child from 2024-06-01; making a the child of b from 2024-01-01 loops from June on.
        var a = Org("a", "SG");
        var b = Org("b", "MY", new ParentLink(new LocalDate(2024, 6, 1), "a"));
        var directory = new OrganisationDirectory([a, b]);

        var d = OrganisationDecisions.Decide(new ChangeOrganisationParent("a", "b", new LocalDate(2024, 1, 1), Admin, T0), a, directory);
        Assert.Equal("parent_cycle", d.Error?.Code);
    }

    [Fact]
    public void being_ones_own_parent_is_a_cycle() =>
        Assert.Equal("parent_cycle", OrganisationDecisions.Decide(
            new ChangeOrganisationParent("a", "a", D0, Admin, T0), Org("a", "SG"), new OrganisationDirectory([Org("a", "SG")])).Error?.Code);

    [Fact]
    public void an_acyclic_parent_change_is_recorded_with_its_effective_date()
    {
        var a = Org("a", "MY");
        var directory = new OrganisationDirectory([a, Org("b", "CN")]);
        var d = OrganisationDecisions.Decide(new ChangeOrganisationParent("a", "b", new LocalDate(2024, 3, 1), new Actor("a", OrganisationKind.Distributor), T0), a, directory);
        var e = Assert.IsType<OrganisationParentChanged>(Assert.Single(d.Events));
        Assert.Equal(("b", new LocalDate(2024, 3, 1)), (e.ParentId, e.EffectiveFrom));
    }

    [Fact]
    public void an_unrelated_organisation_cannot_change_a_parent() =>
        Assert.Equal("not_permitted", OrganisationDecisions.Decide(
            new ChangeOrganisationParent("a", "b", D0, new Actor("z", OrganisationKind.Distributor), T0), Org("a", "MY"),
            new OrganisationDirectory([Org("a", "MY"), Org("b", "CN")])).Error?.Code);

    [Fact]
    public void the_parent_must_be_registered() =>
        Assert.Equal("parent_not_registered", OrganisationDecisions.Decide(
            new ChangeOrganisationParent("a", "ghost", D0, Admin, T0), Org("a", "MY"), new OrganisationDirectory([Org("a", "MY")])).Error?.Code);
}
