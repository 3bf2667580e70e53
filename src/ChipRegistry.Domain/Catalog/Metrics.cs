namespace ChipRegistry.Domain.Catalog;

/// <summary>The figures the rules are written in, computed in <c>decimal</c> from a spec's inputs.</summary>
public sealed record PerformanceMetrics(
    decimal? Tpp,
    bool TppEstimated,
    decimal? PerformanceDensity,
    bool PerformanceDensityEstimated,
    decimal? H100Equivalents)
{
    public decimal? TppRounded => Tpp is { } t ? Math.Round(t, 0, MidpointRounding.AwayFromZero) : null;

    public decimal? PerformanceDensityRounded => PerformanceDensity is { } pd ? Math.Round(pd, 2, MidpointRounding.AwayFromZero) : null;
}

public static class Metrics
{
    /// <summary>
    /// TPP = max over the supported precisions of dense tera-ops × bit length (15 CFR 774, 3A090 technical note;
    /// domain.md section 1). Null when no throughput is declared.
    /// </summary>
    public static decimal? Tpp(AcceleratorSpec spec) =>
        spec.Throughput.Count == 0 ? null : spec.Throughput.Max(t => t.ProcessingPerformance);

    /// <summary>The reference for H100-equivalents: the TPP computed from the seeded H100 SXM's own inputs.</summary>
    public static decimal H100ReferenceTpp { get; } = Tpp(CatalogSeed.H100Sxm)!.Value;

    public static PerformanceMetrics Compute(AcceleratorSpec spec)
    {
        var tpp = Tpp(spec);
        var deciding = tpp is null ? null : spec.Throughput.Where(t => t.ProcessingPerformance == tpp).ToList();
        var tppEstimated = deciding is not null && deciding.All(t => t.Estimated);
        decimal? pd = tpp is { } t && spec.LogicDieAreaMm2 is { } area ? t / area.Value : null;
        var pdEstimated = pd is not null && (tppEstimated || spec.LogicDieAreaMm2!.Estimated);
        decimal? h100e = tpp is { } t2 ? t2 / H100ReferenceTpp : null;
        return new PerformanceMetrics(tpp, tppEstimated, pd, pdEstimated, h100e);
    }
}
