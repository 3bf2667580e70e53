using ChipRegistry.Domain.Common;

namespace ChipRegistry.Domain.Detection.Thresholds;

/// <summary>The stable error codes of threshold changes, each with its kind.</summary>
public static class ThresholdErrors
{
    public const string UnknownThreshold = "unknown_threshold";
    public const string InvalidThresholdValue = "invalid_threshold_value";
    public const string ThresholdBackdated = "threshold_backdated";
    public const string NotAgency = "not_agency";

    public static IReadOnlyDictionary<string, ErrorKind> ErrorKinds { get; } = new Dictionary<string, ErrorKind>(StringComparer.Ordinal)
    {
        [UnknownThreshold] = ErrorKind.NotFound,
        [InvalidThresholdValue] = ErrorKind.Invalid,
        [ThresholdBackdated] = ErrorKind.Invalid,
        [NotAgency] = ErrorKind.Refused,
    };
}
