using ChipRegistry.Domain.Catalog;

namespace ChipRegistry.Api.Catalog;

public sealed record ThroughputResponse(string Precision, decimal DenseTeraOps, int BitLength, bool Estimated);

public sealed record ClassificationResponse(string Class, string ReasonCode, string Reason, bool Estimated, bool NacEligibleConsumerItem);

/// <summary>
/// A model as the registry judges it: the declared inputs (the agency's finding where one overrides the
/// manufacturer) and the figures and classes computed from them, never typed in.
/// </summary>
public sealed record ModelResponse(
    string ModelId, string Vendor, string Name, string ManufacturerId, int Revision, bool AgencyFinding,
    IReadOnlyList<ThroughputResponse> Throughput, decimal? LogicDieAreaMm2, decimal? MemoryBandwidthGBs, decimal? InterconnectBandwidthGBs,
    bool DataCenterDesign, decimal? TdpWatts,
    decimal? Tpp, decimal? PerformanceDensity, decimal? H100Equivalents,
    ClassificationResponse Rule2022, ClassificationResponse Rule2023)
{
    public static ModelResponse From(AcceleratorModel model)
    {
        var spec = model.EffectiveSpec;
        var metrics = Metrics.Compute(spec);
        return new ModelResponse(
            model.ModelId, spec.Vendor, spec.Name, model.ManufacturerId, model.Current.Revision, model.Finding is not null,
            [.. spec.Throughput.Select(t => new ThroughputResponse(t.Precision, t.DenseTeraOps, t.BitLength, t.Estimated))],
            spec.LogicDieAreaMm2?.Value, spec.MemoryBandwidthGBs?.Value, spec.InterconnectBandwidthGBs?.Value,
            spec.DataCenterDesign, spec.TdpWatts?.Value,
            metrics.TppRounded, metrics.PerformanceDensityRounded, metrics.H100Equivalents is { } h ? Math.Round(h, 3, MidpointRounding.AwayFromZero) : null,
            Classify(spec, RuleVintage.Rule2022), Classify(spec, RuleVintage.Rule2023));
    }

    private static ClassificationResponse Classify(AcceleratorSpec spec, RuleVintage vintage)
    {
        var classification = Classifier.Classify(spec, vintage);
        return new ClassificationResponse(classification.Class.ToCode(), classification.ReasonCode, classification.Reason, classification.Estimated, classification.NacEligibleConsumerItem);
    }
}
