using ChipRegistry.Domain.Detection.Thresholds;
using NodaTime;

namespace ChipRegistry.Api.Detection.Thresholds;

/// <summary>One recorded change of a threshold: from when, to what, why, by whom and when it was recorded.</summary>
public sealed record ThresholdChangeResponse(string Threshold, string Value, Instant EffectiveFrom, string Reason, string RecordedBy, Instant OccurredAt)
{
    public static ThresholdChangeResponse From(DetectionThresholdChanged change) =>
        new(change.Threshold, change.Value, change.EffectiveFrom, change.Reason, change.RecordedBy, change.OccurredAt);

    public static readonly ThresholdChangeResponse Example = new(DetectionThresholds.TransshipmentDays, "21", Instant.FromUtc(2027, 1, 1, 0, 0),
        "BIS guidance of 2026-12-01: hubs re-export within three weeks", "bis", Instant.FromUtc(2026, 12, 6, 9, 30));
}

/// <summary>
/// A catalogue entry with the value in force at the registry's latest tick (the default before any tick) and every
/// change recorded on it, in recording order.
/// </summary>
public sealed record ThresholdResponse(
    string Name, int Rule, string Kind, string Unit, string Default, string Meaning, string Value, IReadOnlyList<ThresholdChangeResponse> Changes);

public sealed record ThresholdListResponse(Instant? InForceAt, IReadOnlyList<ThresholdResponse> Thresholds)
{
    public static readonly ThresholdListResponse Example = new(Instant.FromUtc(2026, 12, 6, 9, 0),
    [
        new(DetectionThresholds.TransshipmentDays, 6, "number", "days", "14", "a re-export from a hub within this many days of arrival", "14", [ThresholdChangeResponse.Example]),
    ]);
}
