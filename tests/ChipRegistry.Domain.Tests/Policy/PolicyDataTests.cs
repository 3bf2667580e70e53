using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Policy;
using NodaTime;

namespace ChipRegistry.Domain.Tests.Policy;

public class PolicyDataTests
{
    private static readonly LocalDate Mid2024 = new(2024, 6, 1);

    private static LicenceAnswer Ask(AcceleratorSpec model, string destination, string orgCountry, string parentCountry, LocalDate date) =>
        LicenceRequirement.Evaluate(new LicenceQuestion(model, destination, new PartyJurisdiction("org", orgCountry, "parent", parentCountry), date));

    [Theory]
    [InlineData("CN", "D5")]
    [InlineData("RU", "D5")]
    [InlineData("IR", "D5")]
    [InlineData("KP", "D5")]
    [InlineData("VE", "D5")]
    [InlineData("MM", "D5")]
    [InlineData("DE", "A5")]
    [InlineData("SG", "A6")]
    [InlineData("VN", "D1")]
    [InlineData("SA", "D4")]
    [InlineData("AE", "D4")]
    public void country_groups_hold_the_regulations_members(string country, string group) =>
        Assert.True(CountryGroups.IsMember(Enum.Parse<CountryGroup>(group), country, Mid2024));

    [Fact]
    public void a5_and_a6_never_overlap_and_every_code_is_alpha2()
    {
        var a5 = CountryGroups.Memberships.Where(m => m.Group == CountryGroup.A5).Select(m => m.Country).ToHashSet();
        var a6 = CountryGroups.Memberships.Where(m => m.Group == CountryGroup.A6).Select(m => m.Country).ToHashSet();
        Assert.Empty(a5.Intersect(a6));
        Assert.All(CountryGroups.Memberships, m => Assert.True(ChipRegistry.Domain.Common.Countries.IsAlpha2(m.Country), m.Country));
    }

    [Fact]
    public void hong_kong_is_treated_as_china() => Assert.True(CountryGroups.IsMember(CountryGroup.D5, "HK", Mid2024));

    [Fact]
    public void group_membership_is_dated()
    {
        Assert.True(CountryGroups.IsMember(CountryGroup.D5, "KH", new LocalDate(2026, 2, 2)));
        Assert.False(CountryGroups.IsMember(CountryGroup.D5, "KH", new LocalDate(2026, 2, 3)));
        Assert.False(CountryGroups.IsMember(CountryGroup.D5, "NI", new LocalDate(2024, 3, 14)));
        Assert.True(CountryGroups.IsMember(CountryGroup.D5, "NI", new LocalDate(2024, 3, 15)));
    }

    [Fact]
    public void a_d4_destination_also_in_a6_needs_no_licence()
    {
        // Israel is in D:4 and A:6: the 2023 rule excludes destinations also in A:5/A:6.
        Assert.True(CountryGroups.IsMember(CountryGroup.D4, "IL", Mid2024));
        Assert.Equal(LicenceVerdict.NotRequired, Ask(CatalogSeed.H100Sxm, "IL", "IL", "IL", Mid2024).Verdict);
    }

    [Fact]
    public void d1_and_d4_destinations_need_a_licence_under_the_2023_rule()
    {
        Assert.Equal("d1_destination", Ask(CatalogSeed.H100Sxm, "VN", "VN", "VN", Mid2024).ReasonCode);
        Assert.Equal("d4_destination", Ask(CatalogSeed.H100Sxm, "AE", "AE", "AE", Mid2024).ReasonCode);
    }

    [Fact]
    public void an_entity_headquartered_in_d5_needs_a_licence_wherever_the_chip_goes() =>
        Assert.Equal("d5_headquartered", Ask(CatalogSeed.H100Sxm, "DE", "CN", "CN", Mid2024).ReasonCode);

    [Fact]
    public void macau_joined_the_2022_rule_on_2023_01_17()
    {
        Assert.Equal(LicenceVerdict.NotRequired, Ask(CatalogSeed.H100Sxm, "MO", "MO", "MO", new LocalDate(2023, 1, 16)).Verdict);
        var after = Ask(CatalogSeed.H100Sxm, "MO", "MO", "MO", new LocalDate(2023, 1, 17));
        Assert.Equal(("macau_2023_01_17", LicenceVerdict.Required), (after.RuleId, after.Verdict));
    }

    [Fact]
    public void nothing_is_required_before_the_2022_rule_but_the_individual_notice()
    {
        Assert.Equal("before_advanced_computing_rules", Ask(CatalogSeed.H100Sxm, "CN", "CN", "CN", new LocalDate(2022, 8, 25)).ReasonCode);
        Assert.Equal("before_advanced_computing_rules", Ask(CatalogSeed.A800Sxm, "CN", "CN", "CN", new LocalDate(2022, 10, 6)).ReasonCode);
        Assert.Equal("individual_notice_2022_08_26", Ask(CatalogSeed.H100Sxm, "CN", "CN", "CN", new LocalDate(2022, 10, 6)).RuleId);
    }

    [Fact]
    public void the_diffusion_rule_never_applies()
    {
        Assert.False(RuleCalendar.Diffusion2025.InForceOn(new LocalDate(2025, 6, 1)));
        // Brazil is Tier 2 under the diffusion rule, yet nothing is required.
        Assert.Equal(DiffusionTier.Tier2, DiffusionTiers.TierOf("BR", new LocalDate(2025, 6, 1)));
        Assert.Equal(LicenceVerdict.NotRequired, Ask(CatalogSeed.H100Sxm, "BR", "BR", "BR", new LocalDate(2025, 6, 1)).Verdict);
    }

    [Theory]
    [InlineData("US", DiffusionTier.Tier1)]
    [InlineData("TW", DiffusionTier.Tier1)]
    [InlineData("SG", DiffusionTier.Tier2)]
    [InlineData("IN", DiffusionTier.Tier2)]
    [InlineData("CN", DiffusionTier.Tier3)]
    [InlineData("HK", DiffusionTier.Tier3)]
    [InlineData("MO", DiffusionTier.Tier3)]
    public void diffusion_tiers(string country, DiffusionTier tier) => Assert.Equal(tier, DiffusionTiers.TierOf(country, new LocalDate(2025, 3, 1)));

    [Fact]
    public void the_tier2_cap_is_about_fifty_thousand_h100s() =>
        Assert.InRange(DiffusionTiers.Tier2CountryCapTpp / Metrics.H100ReferenceTpp, 49_000m, 51_000m);

    [Fact]
    public void malaysia_requires_a_permit_from_2025_07_14()
    {
        Assert.False(TransshipmentWatchList.LocalExportPermitRequired("MY", new LocalDate(2025, 7, 13)));
        Assert.True(TransshipmentWatchList.LocalExportPermitRequired("MY", new LocalDate(2025, 7, 14)));
        Assert.Equal(["AE", "HK", "MY", "SG", "TH"], TransshipmentWatchList.DefaultHubs.Order());
    }

    [Fact]
    public void an_unknown_deciding_input_gives_an_undetermined_answer()
    {
        var unknown = CatalogSeed.H20 with { Throughput = [new ThroughputFigure("FP8", 375m, 8)], LogicDieAreaMm2 = null };
        Assert.Equal(LicenceVerdict.Undetermined, Ask(unknown, "CN", "CN", "CN", Mid2024).Verdict);
    }

    [Fact]
    public void the_2026_review_policy_is_undetermined_without_dram_bandwidth()
    {
        var noDram = CatalogSeed.H200Sxm with { MemoryBandwidthGBs = null };
        Assert.Equal(ReviewPolicy.Undetermined, Ask(noDram, "CN", "CN", "CN", new LocalDate(2026, 2, 1)).Review);
    }
}

public class LicenceRequirementThroughDirectoryTests
{
    [Fact]
    public void the_organisations_ultimate_parent_on_the_date_decides()
    {
        var sub = new Organisation("sub", "Sub Sdn Bhd", OrganisationKind.EndUser, "MY", new LocalDate(2020, 1, 1),
            [new ParentLink(new LocalDate(2024, 3, 1), "parent")]);
        var parent = new Organisation("parent", "Parent Ltd", OrganisationKind.EndUser, "CN", new LocalDate(2010, 1, 1), []);
        var directory = new OrganisationDirectory([sub, parent]);

        Assert.Equal(LicenceVerdict.NotRequired, LicenceRequirement.Evaluate(CatalogSeed.H100Sxm, "MY", "sub", directory, new LocalDate(2024, 2, 1)).Verdict);
        var after = LicenceRequirement.Evaluate(CatalogSeed.H100Sxm, "MY", "sub", directory, new LocalDate(2024, 3, 1));
        Assert.Equal((LicenceVerdict.Required, "d5_parent"), (after.Verdict, after.ReasonCode));
        Assert.Contains("parent", after.Reason, StringComparison.Ordinal);
    }
}
