using ChipRegistry.Domain.Catalog;

namespace ChipRegistry.Domain.Tests.Catalog;

/// <summary>Every catalog model's computed TPP, PD and class under both vintages equal domain.md section 2.</summary>
public class CatalogClassificationTests
{
    // model, TPP (rounded), PD (2 decimals, null = "?"), class 2023+, class 2022 — copied from domain.md section 2.
    public static TheoryData<string, decimal, decimal?, string, string> Expected => new()
    {
        { "A100 SXM", 4992m, 6.04m, "3a090.a", "3a090" },
        { "A800 SXM", 4992m, 6.04m, "3a090.a", "outside_3a090" },
        { "H100 SXM", 15831m, 19.45m, "3a090.a", "3a090" },
        { "H800 SXM", 15831m, 19.45m, "3a090.a", "outside_3a090" },
        { "H200 SXM", 15831m, 19.45m, "3a090.a", "3a090" },
        { "H20", 2368m, 2.91m, "outside_3a090", "outside_3a090" },
        { "B200", 36000m, null, "3a090.a", "3a090" },
        { "GB200 (per GPU)", 40000m, null, "3a090.a", "3a090" },
        { "L40S", 5864m, 9.63m, "3a090.a", "outside_3a090" },
        { "RTX 4090", 5285m, 8.68m, "3a090.a", "outside_3a090" },
        { "RTX 4090D", 4707m, 7.73m, "outside_3a090", "outside_3a090" },
        { "MI300X", 20919m, null, "3a090.a", "3a090" },
        { "Gaudi 3", 29360m, null, "3a090.a", "3a090" },
        { "Ascend 910B", 5120m, null, "3a090.a", "outside_3a090" },
    };

    [Theory]
    [MemberData(nameof(Expected))]
    public void computed_tpp_pd_and_class_match_the_catalog(string model, decimal tpp, decimal? pd, string class2023, string class2022)
    {
        var spec = CatalogSeed.ByName(model);
        var metrics = Metrics.Compute(spec);

        Assert.Equal(tpp, metrics.TppRounded);
        Assert.Equal(pd, metrics.PerformanceDensityRounded);
        Assert.Equal(class2023, Classifier.Classify(spec, RuleVintage.Rule2023).Class.ToCode());
        Assert.Equal(class2022, Classifier.Classify(spec, RuleVintage.Rule2022).Class.ToCode());
    }

    [Fact]
    public void every_seeded_model_has_an_expected_row()
    {
        var names = Expected.Select(row => (string)row.Data.Item1).ToHashSet();
        Assert.Equal(names.Order(), CatalogSeed.Models.Select(m => m.Name).Order());
    }

    [Fact]
    public void h100_equivalents_are_computed_against_the_h100s_own_tpp()
    {
        Assert.Equal(15831.2m, Metrics.H100ReferenceTpp);
        Assert.Equal(1m, Metrics.Compute(CatalogSeed.H100Sxm).H100Equivalents);
        Assert.Equal(Math.Round(36000m / 15831.2m, 6), Math.Round(Metrics.Compute(CatalogSeed.B200).H100Equivalents!.Value, 6));
    }

    [Fact]
    public void tpp_is_the_maximum_over_precisions_times_bit_length()
    {
        // L40S: BF16 362.05 × 16 = 5,792.8 < FP8 733 × 8 = 5,864.
        Assert.Equal(5864m, Metrics.Tpp(CatalogSeed.L40S));
        // Gaudi 3: BF16 1,835 × 16 = 29,360 > FP8 1,835 × 8.
        Assert.Equal(29360m, Metrics.Tpp(CatalogSeed.Gaudi3));
    }

    [Fact]
    public void estimated_inputs_mark_the_class_as_estimated()
    {
        Assert.True(Classifier.Classify(CatalogSeed.Ascend910B, RuleVintage.Rule2023).Estimated);
        Assert.True(Classifier.Classify(CatalogSeed.Ascend910B, RuleVintage.Rule2022).Estimated);
        Assert.False(Classifier.Classify(CatalogSeed.H100Sxm, RuleVintage.Rule2023).Estimated);
    }

    [Fact]
    public void unknown_die_area_is_undetermined_where_density_decides()
    {
        // TPP 3,000 (between 1,600 and 4,800) with no die area: PD decides, so no guess.
        var spec = CatalogSeed.H20 with { ModelId = "x", Throughput = [new ThroughputFigure("FP8", 375m, 8)], LogicDieAreaMm2 = null };
        var c = Classifier.Classify(spec, RuleVintage.Rule2023);
        Assert.Equal(ControlClass.Undetermined, c.Class);
        Assert.Equal("pd_unknown", c.ReasonCode);
    }

    [Fact]
    public void unknown_die_area_does_not_matter_where_tpp_alone_decides()
    {
        var low = CatalogSeed.H20 with { Throughput = [new ThroughputFigure("FP8", 150m, 8)], LogicDieAreaMm2 = null };
        Assert.Equal(ControlClass.Outside3A090, Classifier.Classify(low, RuleVintage.Rule2023).Class);
        Assert.Equal(ControlClass.Eccn3A090a, Classifier.Classify(CatalogSeed.B200, RuleVintage.Rule2023).Class);
    }

    [Fact]
    public void unknown_interconnect_is_undetermined_under_2022_only_when_tpp_would_control()
    {
        var unknownIo = CatalogSeed.H100Sxm with { InterconnectBandwidthGBs = null };
        Assert.Equal(ControlClass.Undetermined, Classifier.Classify(unknownIo, RuleVintage.Rule2022).Class);
        var smallUnknownIo = CatalogSeed.H20 with { InterconnectBandwidthGBs = null };
        Assert.Equal(ControlClass.Outside3A090, Classifier.Classify(smallUnknownIo, RuleVintage.Rule2022).Class);
    }

    [Fact]
    public void density_between_b_thresholds_is_3a090_b()
    {
        // TPP 3,200 with die 800 mm²: PD 4.0, within 3.2 ≤ PD < 5.92.
        var spec = CatalogSeed.H20 with { Throughput = [new ThroughputFigure("FP8", 400m, 8)], LogicDieAreaMm2 = new Figure(800m) };
        Assert.Equal(ControlClass.Eccn3A090b, Classifier.Classify(spec, RuleVintage.Rule2023).Class);
    }

    [Fact]
    public void consumer_item_at_a_threshold_is_nac_eligible()
    {
        var c = Classifier.Classify(CatalogSeed.Rtx4090, RuleVintage.Rule2023);
        Assert.Equal(ControlClass.Eccn3A090a, c.Class);
        Assert.True(c.NacEligibleConsumerItem);
        Assert.False(Classifier.Classify(CatalogSeed.H100Sxm, RuleVintage.Rule2023).NacEligibleConsumerItem);
    }
}
