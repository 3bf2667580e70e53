using NodaTime;

namespace ChipRegistry.Domain.Detection.Flags;

/// <summary>
/// What one detection rule found, in business time (docs/detection.md): open from <see cref="OpenedAt"/> until
/// <see cref="ClosedAt"/> (null while the condition holds). A <see cref="Withdrawn"/> flag is one that later evidence
/// showed never held: kept for its history, in no as-of answer. <see cref="Evidence"/> are the sequence numbers of the
/// events behind it; <see cref="Explanation"/> says in one sentence, with its numbers, why it is open.
/// </summary>
public sealed record Flag(
    string Id,
    int Rule,
    string Severity,
    FlagSubject Subject,
    string? Country,
    Instant OpenedAt,
    Instant? ClosedAt,
    bool Withdrawn,
    IReadOnlyList<long> Evidence,
    IReadOnlyList<string> Chips,
    string Explanation);

/// <summary>What a flag is about: a chip, an organisation, a facility, a cluster or a country, and its id.</summary>
public sealed record FlagSubject(string Kind, string Id);

public static class FlagSubjectKinds
{
    public const string Chip = "chip";
    public const string Organisation = "organisation";
    public const string Facility = "facility";
    public const string Cluster = "cluster";
    public const string Country = "country";

    public static IReadOnlyList<string> All { get; } = [Chip, Organisation, Facility, Cluster, Country];
}

/// <summary>Severities in rising order; each rule states its default and what raises it.</summary>
public static class FlagSeverities
{
    public const string Low = "low";
    public const string Medium = "medium";
    public const string High = "high";
    public const string Critical = "critical";

    public static IReadOnlyList<string> All { get; } = [Low, Medium, High, Critical];
}
