namespace ChipRegistry.Domain.Detection.Thresholds;

public enum ThresholdKind
{
    /// <summary>A non-negative decimal number in invariant culture.</summary>
    Number,

    /// <summary>ISO 3166-1 alpha-2 codes separated by commas, such as <c>SG,MY,TH,HK,AE</c>.</summary>
    Countries,
}

/// <summary>One configurable threshold of a detection rule, with the default domain.md section 4 gives it.</summary>
public sealed record DetectionThreshold(string Name, int Rule, ThresholdKind Kind, string Unit, string Default, string Meaning);
