namespace ChipRegistry.Domain.Catalog;

/// <summary>A declared figure and whether it is an estimate from secondary sources ("est.").</summary>
public sealed record Figure(decimal Value, bool Estimated = false)
{
    public static Figure Est(decimal value) => new(value, Estimated: true);

    public override string ToString() => Estimated ? $"{Value} est." : Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// Dense (not sparsity) throughput at one precision: TFLOPS or TOPS, with the operation's bit length.
/// </summary>
public sealed record ThroughputFigure(string Precision, decimal DenseTeraOps, int BitLength, bool Estimated = false)
{
    /// <summary>This precision's contribution to TPP: dense tera-ops × bit length.</summary>
    public decimal ProcessingPerformance => DenseTeraOps * BitLength;
}

/// <summary>
/// Every input the export rules read, as declared by the manufacturer (or found by an agency).
/// Unknown inputs are null: the classification then says <c>undetermined</c> where they decide.
/// TPP, performance density, H100-equivalents and the class are never stored here: see <see cref="Metrics"/>
/// and <see cref="Classifier"/>.
/// </summary>
public sealed record AcceleratorSpec(
    string ModelId,
    string Vendor,
    string Name,
    IReadOnlyList<ThroughputFigure> Throughput,
    Figure? LogicDieAreaMm2,
    Figure? MemoryBandwidthGBs,
    Figure? InterconnectBandwidthGBs,
    bool DataCenterDesign,
    Figure? TdpWatts,
    string? InterconnectNote = null)
{
    /// <summary>Records compare lists by reference; specs compare by content.</summary>
    public bool Equals(AcceleratorSpec? other) =>
        other is not null
        && ModelId == other.ModelId && Vendor == other.Vendor && Name == other.Name
        && Throughput.SequenceEqual(other.Throughput)
        && Equals(LogicDieAreaMm2, other.LogicDieAreaMm2)
        && Equals(MemoryBandwidthGBs, other.MemoryBandwidthGBs)
        && Equals(InterconnectBandwidthGBs, other.InterconnectBandwidthGBs)
        && DataCenterDesign == other.DataCenterDesign
        && Equals(TdpWatts, other.TdpWatts)
        && InterconnectNote == other.InterconnectNote;

    public override int GetHashCode() => HashCode.Combine(ModelId, Vendor, Name, Throughput.Count, DataCenterDesign);

    /// <summary>Problems that make the spec unusable, or none.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(ModelId)) problems.Add("model id is empty");
        if (string.IsNullOrWhiteSpace(Vendor)) problems.Add("vendor is empty");
        if (string.IsNullOrWhiteSpace(Name)) problems.Add("name is empty");
        if (Throughput.Count == 0) problems.Add("a model needs at least one throughput figure");
        foreach (var t in Throughput)
        {
            if (t.BitLength <= 0) problems.Add($"{t.Precision}: bit length must be positive");
            if (t.DenseTeraOps < 0) problems.Add($"{t.Precision}: throughput must not be negative");
        }
        foreach (var (name, figure) in new[] { ("die area", LogicDieAreaMm2), ("memory bandwidth", MemoryBandwidthGBs), ("interconnect bandwidth", InterconnectBandwidthGBs), ("TDP", TdpWatts) })
        {
            if (figure is { Value: <= 0 }) problems.Add($"{name} must be positive when given");
        }
        return problems;
    }
}
