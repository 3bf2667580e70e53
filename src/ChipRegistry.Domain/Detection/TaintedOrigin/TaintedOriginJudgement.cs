using ChipRegistry.Domain.Detection.CustodyGap;
using ChipRegistry.Domain.Detection.Flags;

namespace ChipRegistry.Domain.Detection.TaintedOrigin;

/// <summary>Rule 15, tainted origin (docs/detection.md). Pure: the installing act's tainted installations in, its flag out.</summary>
public static class TaintedOriginJudgement
{
    public const int Rule = 15;

    /// <summary>
    /// The installing act's flag, opened at the installation; closed once every chip of the act was removed (at the latest
    /// removal); withdrawn once every installation of the act is voided.
    /// </summary>
    public static Flag? Judge(IReadOnlyList<TaintedInstallation> group, Flag? existing)
    {
        if (VoidableEvidence<TaintedInstallation>.Of(group) is not { } evidence) return existing is null ? null : existing with { Withdrawn = true };
        var (first, live, behind) = evidence;
        var subject = new FlagSubject(FlagSubjectKinds.Facility, first.FacilityId);
        var closedAt = live.Count > 0 && live.All(i => i.RemovedAt is not null) ? live.Max(i => i.RemovedAt) : null;
        var models = string.Join(", ", behind.Select(i => $"{i.ModelId} ({i.ControlClass})").Distinct(StringComparer.Ordinal));
        var designers = string.Join(", ", behind.Select(i => i.DesignerId).Distinct(StringComparer.Ordinal));
        var explanation = live.Count == 0
            ? $"withdrawn: the installation by {first.OperatorId} at {first.FacilityId} on {Invariant.Day(first.InstalledAt)} was voided"
            : $"{(live.Count == 1 ? "1 chip" : $"{live.Count} chips")} of {models}, designed by {designers} in China, "
              + $"{(live.Count == 1 ? "was" : "were")} installed by {first.OperatorId} at {first.FacilityId} in {first.Country} on {Invariant.Day(first.InstalledAt)}"
              + (closedAt is { } closed ? $"; the last was removed on {Invariant.Day(closed)}" : "");
        return new Flag(
            FlagIds.Of(Rule, subject, first.SeqId),
            Rule,
            FlagSeverities.Medium,
            subject,
            first.Country,
            first.InstalledAt,
            closedAt,
            evidence.Withdrawn,
            [.. behind.Select(i => i.SeqId).Concat(behind.Where(i => i.RemovalSeqId is not null).Select(i => i.RemovalSeqId!.Value)).Order()],
            evidence.Chips,
            explanation);
    }
}
