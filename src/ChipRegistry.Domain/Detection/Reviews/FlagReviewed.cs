using ChipRegistry.Domain.Common;
using NodaTime;

namespace ChipRegistry.Domain.Detection.Reviews;

/// <summary>
/// An agency's review of a flag, kept on the flag's own stream (<c>flag/{id}</c>), outside every rule's tables, so a
/// rebuild of the rule keeps it (the flag's id is the same after the rebuild). <see cref="EvidenceThrough"/> is the
/// highest sequence number among the flag's evidence when it was reviewed: a dismissal holds until evidence above it arrives.
/// </summary>
public sealed record FlagReviewed(string FlagId, string Action, string Reason, long EvidenceThrough, string RecordedBy, Instant OccurredAt) : IDomainEvent;

public static class FlagReviewActions
{
    public const string Acknowledge = "acknowledge";
    public const string Escalate = "escalate";
    public const string Dismiss = "dismiss";

    public static IReadOnlyList<string> All { get; } = [Acknowledge, Escalate, Dismiss];
}
