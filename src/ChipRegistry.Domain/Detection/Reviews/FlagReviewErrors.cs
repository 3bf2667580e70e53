using ChipRegistry.Domain.Common;

namespace ChipRegistry.Domain.Detection.Reviews;

/// <summary>The stable error codes of flag reads and reviews, each with its kind.</summary>
public static class FlagReviewErrors
{
    public const string FlagNotFound = "flag_not_found";
    public const string InvalidReviewAction = "invalid_review_action";
    public const string ReasonRequired = "reason_required";
    public const string NotAgency = "not_agency";

    public static IReadOnlyDictionary<string, ErrorKind> ErrorKinds { get; } = new Dictionary<string, ErrorKind>(StringComparer.Ordinal)
    {
        [FlagNotFound] = ErrorKind.NotFound,
        [InvalidReviewAction] = ErrorKind.Invalid,
        [ReasonRequired] = ErrorKind.Invalid,
        [NotAgency] = ErrorKind.Refused,
    };
}
