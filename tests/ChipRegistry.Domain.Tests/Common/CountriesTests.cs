using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Organisations;
using NodaTime;

namespace ChipRegistry.Domain.Tests.Common;

public class CountriesTests
{
    [Theory]
    [InlineData("XX")]
    [InlineData("ZZ")]
    [InlineData("QQ")]
    [InlineData("AA")]
    [InlineData("XK")]
    [InlineData("UK")]
    [InlineData("EU")]
    public void two_letters_iso_has_not_assigned_are_unknown_country(string code) =>
        Assert.Equal(CountryErrors.UnknownCountry, Countries.Problem(code, "country")?.Code);

    [Theory]
    [InlineData("de")]
    [InlineData("DEU")]
    [InlineData("")]
    [InlineData("D1")]
    [InlineData("\u0414E")]
    public void anything_but_two_upper_case_letters_is_invalid_country(string code) =>
        Assert.Equal(CountryErrors.InvalidCountry, Countries.Problem(code, "country")?.Code);

    [Theory]
    [InlineData("DE")]
    [InlineData("US")]
    [InlineData("TW")]
    [InlineData("HK")]
    [InlineData("SS")]
    [InlineData("GB")]
    public void assigned_codes_are_countries(string code) =>
        Assert.Null(Countries.Problem(code, "country"));

    [Fact]
    public void the_table_holds_the_249_assigned_codes() =>
        Assert.Equal(249, Countries.Assigned.Count);

    [Fact]
    public void a_registration_in_an_unassigned_country_is_refused() =>
        Assert.Equal(CountryErrors.UnknownCountry, OrganisationDecisions.Decide(
            new RegisterOrganisation("acme", "Acme", OrganisationKind.Distributor, "XX", new LocalDate(2026, 1, 1), BuiltInOrganisations.RegistryAdmin, Instant.FromUtc(2026, 1, 1, 0, 0)), null).Error?.Code);
}
