using System.Globalization;

namespace ChipRegistry.Domain.Catalog;

/// <summary>Which version of the advanced-computing rules judges the item.</summary>
public enum RuleVintage
{
    /// <summary>87 FR 62186, in force 2022-10-07 to 2023-11-16: I/O bandwidth ≥ 600 GB/s AND TPP ≥ 4800.</summary>
    Rule2022,

    /// <summary>88 FR 73458, in force from 2023-11-17: 3A090.a / 3A090.b by TPP and performance density.</summary>
    Rule2023,
}

public enum ControlClass
{
    /// <summary>Not caught by the vintage's 3A090 thresholds.</summary>
    Outside3A090,

    /// <summary>The 2022 rule's single 3A090 entry.</summary>
    Eccn3A090,

    Eccn3A090a,

    Eccn3A090b,

    /// <summary>An unknown input decides the class: never a guess.</summary>
    Undetermined,
}

public static class ControlClassNames
{
    public static string ToCode(this ControlClass c) => c switch
    {
        ControlClass.Outside3A090 => "outside_3a090",
        ControlClass.Eccn3A090 => "3a090",
        ControlClass.Eccn3A090a => "3a090.a",
        ControlClass.Eccn3A090b => "3a090.b",
        ControlClass.Undetermined => "undetermined",
        _ => throw new ArgumentOutOfRangeException(nameof(c), c, null),
    };
}

/// <summary>
/// A class with the reason that decided it. <see cref="Estimated"/> is true when an estimated input decided it;
/// <see cref="NacEligibleConsumerItem"/> marks a 3A090.a item not designed for data centers (the NAC path).
/// </summary>
public sealed record Classification(
    RuleVintage Vintage,
    ControlClass Class,
    string ReasonCode,
    string Reason,
    bool Estimated,
    bool NacEligibleConsumerItem)
{
    public bool IsControlled => Class is ControlClass.Eccn3A090 or ControlClass.Eccn3A090a or ControlClass.Eccn3A090b;
}

/// <summary>The thresholds of each vintage, as data.</summary>
public sealed record Thresholds2022(decimal MinIoBandwidthGBs, decimal MinTpp)
{
    public static Thresholds2022 Published { get; } = new(600m, 4800m);
}

public sealed record Thresholds2023(
    decimal TppA,
    decimal TppFloorWithDensity,
    decimal PdA,
    decimal TppB1Low,
    decimal PdB1Low,
    decimal PdB2Low)
{
    public static Thresholds2023 Published { get; } = new(
        TppA: 4800m, TppFloorWithDensity: 1600m, PdA: 5.92m, TppB1Low: 2400m, PdB1Low: 1.6m, PdB2Low: 3.2m);
}

public static class Classifier
{
    private static string N(decimal value) => value.ToString("#,##0.##", CultureInfo.InvariantCulture);

    public static Classification Classify(AcceleratorSpec spec, RuleVintage vintage) => vintage switch
    {
        RuleVintage.Rule2022 => Classify2022(spec, Thresholds2022.Published),
        RuleVintage.Rule2023 => Classify2023(spec, Thresholds2023.Published),
        _ => throw new ArgumentOutOfRangeException(nameof(vintage), vintage, null),
    };

    /// <summary>2022 rule: controlled iff I/O bandwidth ≥ 600 GB/s AND TPP ≥ 4800 (either known failing input decides).</summary>
    public static Classification Classify2022(AcceleratorSpec spec, Thresholds2022 th)
    {
        var m = Metrics.Compute(spec);
        var io = spec.InterconnectBandwidthGBs;
        var v = RuleVintage.Rule2022;

        if (io is not null && io.Value < th.MinIoBandwidthGBs)
        {
            return new(v, ControlClass.Outside3A090, "io_below_threshold",
                $"2022 rule: interconnect {N(io.Value)}{(io.Estimated ? " est." : "")} < {N(th.MinIoBandwidthGBs)} GB/s",
                io.Estimated, false);
        }
        if (m.Tpp is { } tpp && tpp < th.MinTpp)
        {
            return new(v, ControlClass.Outside3A090, "tpp_below_threshold",
                $"2022 rule: TPP {N(tpp)} < {N(th.MinTpp)}", m.TppEstimated, false);
        }
        if (io is null || m.Tpp is null)
        {
            return new(v, ControlClass.Undetermined, "input_unknown",
                $"2022 rule: {(io is null ? "interconnect bandwidth" : "TPP")} unknown and decisive", false, false);
        }
        return new(v, ControlClass.Eccn3A090, "io_and_tpp_at_threshold",
            $"2022 rule: interconnect {N(io.Value)} ≥ {N(th.MinIoBandwidthGBs)} GB/s and TPP {N(m.Tpp.Value)} ≥ {N(th.MinTpp)}",
            io.Estimated || m.TppEstimated, false);
    }

    /// <summary>
    /// 2023+ rule: 3A090.a if TPP ≥ 4800, or TPP ≥ 1600 and PD ≥ 5.92; 3A090.b if 2400 ≤ TPP &lt; 4800 and
    /// 1.6 ≤ PD &lt; 5.92, or TPP ≥ 1600 and 3.2 ≤ PD &lt; 5.92; not designed for data centers and TPP &lt; 4800:
    /// outside (the consumer note). An unknown PD decides nothing where TPP alone decides.
    /// </summary>
    public static Classification Classify2023(AcceleratorSpec spec, Thresholds2023 th)
    {
        var m = Metrics.Compute(spec);
        var v = RuleVintage.Rule2023;
        var dieEstimated = spec.LogicDieAreaMm2?.Estimated ?? false;

        if (m.Tpp is not { } tpp)
        {
            return new(v, ControlClass.Undetermined, "tpp_unknown", "2023 rule: no throughput declared, TPP unknown", false, false);
        }
        if (tpp >= th.TppA)
        {
            var consumer = !spec.DataCenterDesign;
            return new(v, ControlClass.Eccn3A090a, consumer ? "tpp_at_threshold_consumer" : "tpp_at_threshold",
                $"2023 rule: TPP {N(tpp)} ≥ {N(th.TppA)}{(consumer ? "; not designed for data centers (NAC-eligible)" : "")}",
                m.TppEstimated, consumer);
        }
        if (!spec.DataCenterDesign)
        {
            return new(v, ControlClass.Outside3A090, "consumer_note",
                $"2023 rule: not designed for data centers and TPP {N(tpp)} < {N(th.TppA)}", m.TppEstimated, false);
        }
        if (tpp < th.TppFloorWithDensity)
        {
            return new(v, ControlClass.Outside3A090, "tpp_below_floor",
                $"2023 rule: TPP {N(tpp)} < {N(th.TppFloorWithDensity)}", m.TppEstimated, false);
        }
        if (m.PerformanceDensity is not { } pd)
        {
            return new(v, ControlClass.Undetermined, "pd_unknown",
                $"2023 rule: TPP {N(tpp)} is between {N(th.TppFloorWithDensity)} and {N(th.TppA)}, so performance density decides, and the die area is unknown",
                false, false);
        }
        var estimated = m.TppEstimated || dieEstimated;
        if (pd >= th.PdA)
        {
            return new(v, ControlClass.Eccn3A090a, "density_at_threshold",
                $"2023 rule: TPP {N(tpp)} ≥ {N(th.TppFloorWithDensity)} and PD {N(Math.Round(pd, 2))} ≥ {N(th.PdA)}", estimated, false);
        }
        if ((tpp >= th.TppB1Low && pd >= th.PdB1Low) || pd >= th.PdB2Low)
        {
            return new(v, ControlClass.Eccn3A090b, "density_b",
                $"2023 rule: TPP {N(tpp)} and PD {N(Math.Round(pd, 2))} within 3A090.b", estimated, false);
        }
        return new(v, ControlClass.Outside3A090, "below_thresholds",
            $"2023 rule: TPP {N(tpp)} < {N(th.TppB1Low)} and PD {N(Math.Round(pd, 2))} < {N(th.PdB2Low)}", estimated, false);
    }
}
