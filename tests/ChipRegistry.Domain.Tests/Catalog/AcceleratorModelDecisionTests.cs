using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Organisations;
using NodaTime;

namespace ChipRegistry.Domain.Tests.Catalog;

public class AcceleratorModelDecisionTests
{
    private static readonly Instant T0 = Instant.FromUtc(2024, 1, 1, 0, 0);
    private static readonly Actor Nvidia = new("nvidia", OrganisationKind.Manufacturer);
    private static readonly Actor Amd = new("amd", OrganisationKind.Manufacturer);
    private static readonly Actor Bis = new("bis", OrganisationKind.Agency);

    private static AcceleratorModel Registered() =>
        AcceleratorModel.Fold(AcceleratorModelDecisions.Decide(new RegisterAcceleratorModel(CatalogSeed.H20, Nvidia, T0), null).Events)!;

    [Fact]
    public void a_manufacturer_registers_a_model_as_revision_one()
    {
        var d = AcceleratorModelDecisions.Decide(new RegisterAcceleratorModel(CatalogSeed.H20, Nvidia, T0), null);
        var e = Assert.IsType<AcceleratorModelRegistered>(Assert.Single(d.Events));
        Assert.Equal(("nvidia-h20", "nvidia"), (e.ModelId, e.ManufacturerId));
        Assert.Equal(1, AcceleratorModel.Fold(d.Events)!.Current.Revision);
    }

    [Fact]
    public void only_a_manufacturer_registers_a_model()
    {
        var d = AcceleratorModelDecisions.Decide(new RegisterAcceleratorModel(CatalogSeed.H20, Bis, T0), null);
        Assert.Equal("not_manufacturer", d.Error?.Code);
        Assert.Empty(d.Events);
    }

    [Fact]
    public void a_model_is_registered_once() =>
        Assert.Equal("model_already_registered", AcceleratorModelDecisions.Decide(new RegisterAcceleratorModel(CatalogSeed.H20, Nvidia, T0), Registered()).Error?.Code);

    [Fact]
    public void an_invalid_spec_is_rejected()
    {
        var bad = CatalogSeed.H20 with { Throughput = [new ThroughputFigure("FP8", 296m, 0)] };
        Assert.Equal("invalid_spec", AcceleratorModelDecisions.Decide(new RegisterAcceleratorModel(bad, Nvidia, T0), null).Error?.Code);
    }

    [Fact]
    public void spec_revisions_are_versioned_and_change_the_computed_class()
    {
        var state = Registered();
        var faster = CatalogSeed.H20 with { Throughput = [new ThroughputFigure("FP8", 700m, 8)] };
        var d = AcceleratorModelDecisions.Decide(new ReviseAcceleratorSpec(state.ModelId, faster, "firmware unlock", Nvidia, T0 + Duration.FromDays(1)), state);
        var revised = AcceleratorModel.Evolve(state, Assert.Single(d.Events))!;

        Assert.Equal(2, revised.Current.Revision);
        Assert.Equal(ControlClass.Outside3A090, Classifier.Classify(revised.EffectiveSpecAt(T0)!, RuleVintage.Rule2023).Class);
        Assert.Equal(ControlClass.Eccn3A090a, Classifier.Classify(revised.EffectiveSpec, RuleVintage.Rule2023).Class);
    }

    [Fact]
    public void only_the_models_manufacturer_revises_it() =>
        Assert.Equal("not_model_manufacturer",
            AcceleratorModelDecisions.Decide(new ReviseAcceleratorSpec("nvidia-h20", CatalogSeed.H20, "x", Amd, T0), Registered()).Error?.Code);

    [Fact]
    public void an_agency_finding_overrides_the_manufacturers_spec_even_after_later_revisions()
    {
        var state = Registered();
        var found = CatalogSeed.H20 with { LogicDieAreaMm2 = new Figure(300m) };
        state = AcceleratorModel.Fold([.. new IAcceleratorModelEvent[] { new AcceleratorModelRegistered("nvidia-h20", "nvidia", CatalogSeed.H20, "nvidia", T0) },
            .. AcceleratorModelDecisions.Decide(new RecordSpecFinding(state.ModelId, found, "die measured by teardown", Bis, T0 + Duration.FromDays(2)), state).Events])!;
        state = AcceleratorModel.Evolve(state, AcceleratorModelDecisions.Decide(new ReviseAcceleratorSpec(state.ModelId, CatalogSeed.H20, "restated", Nvidia, T0 + Duration.FromDays(3)), state).Events.Single())!;

        Assert.Equal(found, state.EffectiveSpec);
        // TPP 2,368 / 300 mm² = PD 7.89 ≥ 5.92: the finding makes it 3A090.a.
        Assert.Equal(ControlClass.Eccn3A090a, Classifier.Classify(state.EffectiveSpec, RuleVintage.Rule2023).Class);
    }

    [Fact]
    public void only_an_agency_records_a_finding() =>
        Assert.Equal("not_agency",
            AcceleratorModelDecisions.Decide(new RecordSpecFinding("nvidia-h20", CatalogSeed.H20, "x", Nvidia, T0), Registered()).Error?.Code);
}

public class CatalogSeedEventTests
{
    [Fact]
    public void the_seed_registers_every_model_under_its_vendors_manufacturer()
    {
        var at = NodaTime.Instant.FromUtc(2022, 1, 1, 0, 0);
        var events = CatalogSeed.RegistrationEvents(vendor => vendor.ToLowerInvariant().Replace(' ', '-'), at);

        Assert.Equal(CatalogSeed.Models.Count, events.Select(e => e.ModelId).Distinct().Count());
        foreach (var e in events)
        {
            var model = AcceleratorModel.Fold([e])!;
            Assert.Equal(CatalogSeed.Models.Single(m => m.ModelId == e.ModelId), model.EffectiveSpec);
            Assert.Equal(model.EffectiveSpec.Vendor.ToLowerInvariant(), model.ManufacturerId);
        }
    }
}
