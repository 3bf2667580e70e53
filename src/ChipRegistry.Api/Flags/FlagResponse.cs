using System.Text.Json;
using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Detection.Reviews;
using NodaTime;

namespace ChipRegistry.Api.Flags;

public sealed record FlagSubjectResponse(string Kind, string Id);

public sealed record FlagReviewResponse(string Action, string Reason, string ReviewedBy, Instant ReviewedAt, long EvidenceThrough);

/// <summary>
/// A flag in business time. <see cref="Status"/>: open, closed or withdrawn. <see cref="Review"/>: where the latest
/// review leaves it (acknowledge, escalate, dismiss; null when unreviewed or when a dismissal lapsed on newer evidence).
/// </summary>
public sealed record FlagResponse(
    string Id, int Rule, string Severity, FlagSubjectResponse Subject, string? Country, Instant OpenedAt, Instant? ClosedAt, string Status,
    IReadOnlyList<long> Evidence, IReadOnlyList<string> Chips, string Explanation, string? Review, FlagReviewResponse? LatestReview)
{
    public static FlagResponse From(FlagView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var f = view.Flag;
        var status = f.Withdrawn ? FlagStatuses.Withdrawn : f.ClosedAt is null ? FlagStatuses.Open : FlagStatuses.Closed;
        return new FlagResponse(f.Id, f.Rule, f.Severity, new FlagSubjectResponse(f.Subject.Kind, f.Subject.Id), f.Country, f.OpenedAt, f.ClosedAt,
            status, f.Evidence, f.Chips, f.Explanation, view.ReviewState,
            view.LatestReview is { } r ? new FlagReviewResponse(r.Action, r.Reason, r.RecordedBy, r.OccurredAt, r.EvidenceThrough) : null);
    }

    public static FlagResponse Example { get; } = new("r01-5e0c1d2f3a4b5c6d7e8f", 1, FlagSeverities.High, new FlagSubjectResponse(FlagSubjectKinds.Organisation, "sg-fwd"),
        "SG", Instant.FromUtc(2025, 4, 1, 12, 0), null, FlagStatuses.Open, [48211, 48212], ["nvidia:1652223004561", "nvidia:1652223004562"],
        "2 chips shipped by nvidia to SG on 2025-03-02 not received by the consignee sg-fwd within 30 days (international)", null, null);
}

public sealed record EvidenceEventResponse(long SeqId, string Stream, string Type, Instant OccurredAt, Instant RecordedAt, JsonElement Data);

public sealed record FlagWithEvidenceResponse(FlagResponse Flag, IReadOnlyList<EvidenceEventResponse> Events);

/// <summary>A page of flags in id order; pass <see cref="Next"/> as <c>cursor</c> (null: no more).</summary>
public sealed record FlagPageResponse(IReadOnlyList<FlagResponse> Flags, string? Next);
