using NodaTime;

namespace ChipRegistry.Domain.Policy;

/// <summary>One dated rule: when it took effect, when (if ever) it stopped, what it changed.</summary>
public sealed record ExportRule(
    string Id,
    string Citation,
    LocalDate EffectiveFrom,
    LocalDate? EffectiveUntil,
    bool EverInForce,
    string Changed,
    IReadOnlyList<string> Models,
    IReadOnlyList<string> Destinations)
{
    public bool InForceOn(LocalDate date) => EverInForce && date >= EffectiveFrom && (EffectiveUntil is null || date < EffectiveUntil);
}

/// <summary>The rule calendar of domain.md sections 1 and 2a. Models named by seed model id.</summary>
public static class RuleCalendar
{
    public static ExportRule Rule2022 { get; } = new(
        "rule_2022_10_07", "87 FR 62186 (2022-10-13)", new LocalDate(2022, 10, 7), new LocalDate(2023, 11, 17), true,
        "3A090: I/O ≥ 600 GB/s AND TPP ≥ 4800; licence required to China (Hong Kong included)", [], ["CN", "HK"]);

    public static ExportRule Macau2023 { get; } = new(
        "macau_2023_01_17", "88 FR 2821 (2023-01-17)", new LocalDate(2023, 1, 17), new LocalDate(2023, 11, 17), true,
        "the 2022 rule's destination requirement extended to Macau", [], ["MO"]);

    public static ExportRule IndividualNotice2023 { get; } = new(
        "individual_notice_2023_10_23", "BIS letters of 2023-10-23 (NVIDIA Form 8-K of 2023-10-24)", new LocalDate(2023, 10, 23), new LocalDate(2023, 11, 17), true,
        "the 2023 rule applied at once to the named models", ["nvidia-a100-sxm", "nvidia-a800-sxm", "nvidia-h100-sxm", "nvidia-h800-sxm", "nvidia-l40s"], []);

    public static ExportRule Rule2023 { get; } = new(
        "rule_2023_11_17", "88 FR 73458 (2023-10-25)", new LocalDate(2023, 11, 17), null, true,
        "3A090.a/.b by TPP and performance density; licence to D:1, D:4, D:5 (not also A:5/A:6) and Macau, and to entities headquartered in or with an ultimate parent in D:5 or Macau; NAC for consumer 3A090.a",
        [], []);

    public static ExportRule Diffusion2025 { get; } = new(
        "diffusion_2025_01_15", "90 FR 4544 (2025-01-15)", new LocalDate(2025, 5, 15), null, EverInForce: false,
        "worldwide licence requirement with country tiers; enforcement stopped 2025-05-13, before the 2025-05-15 compliance date: never in force",
        [], []);

    public static ExportRule IndividualNotice2025 { get; } = new(
        "individual_notice_2025_04_09", "NVIDIA Form 8-K of 2025-04-09; AMD disclosure 2025", new LocalDate(2025, 4, 9), null, true,
        "licence required for China (Hong Kong and Macau included) and D:5 by individual notice, triggered by memory and interconnect bandwidth",
        ["nvidia-h20", "amd-mi308"], ["CN", "HK", "MO"]);

    public static ExportRule Rule2026 { get; } = new(
        "rule_2026_01_15", "91 FR 1684 (2026-01-15)", new LocalDate(2026, 1, 15), null, true,
        "licence review policy to China: case-by-case if TPP < 21,000 AND DRAM bandwidth < 6,500 GB/s, else presumption of denial",
        [], ["CN", "HK", "MO"]);

    public static IReadOnlyList<ExportRule> All { get; } =
        [Rule2022, Macau2023, IndividualNotice2023, Rule2023, IndividualNotice2025, Diffusion2025, Rule2026];

    /// <summary>The 2026 rule's case-by-case limits.</summary>
    public const decimal CaseByCaseMaxTpp = 21_000m;

    public const decimal CaseByCaseMaxDramBandwidthGBs = 6_500m;

    public static IReadOnlyList<ExportRule> InForceOn(LocalDate date) => All.Where(r => r.InForceOn(date)).ToList();
}
