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
    /// <summary>
    /// The embargoes of 15 CFR Part 746 older than the registry: in force before its earliest business time (2015-01-01,
    /// see the API's business-time window), so their rows start there; the date is the registry's, not the embargo's origin.
    /// </summary>
    public static LocalDate RegistryEpoch { get; } = new(2015, 1, 1);

    /// <summary>BIS letters of 2022-08-26 (NVIDIA Form 8-K of 2022-08-31; AMD statements 2022-09): a licence for the A100 and
    /// H100 (and systems containing them; AMD: the MI250) to China, Hong Kong included, and to Russia. [R2b]</summary>
    public static ExportRule IndividualNotice2022 { get; } = new(
        "individual_notice_2022_08_26", "BIS letters of 2022-08-26 (NVIDIA Form 8-K of 2022-08-31; AMD statements 2022-09)", new LocalDate(2022, 8, 26), null, true,
        "licence required by individual notice for the named models, and systems containing them, to China (Hong Kong included) and Russia",
        ["nvidia-a100-sxm", "nvidia-h100-sxm", "amd-mi250"], ["CN", "HK", "RU"]);

    /// <summary>15 CFR 746.2: a licence for every item subject to the EAR to Cuba. [R21]</summary>
    public static ExportRule EmbargoCuba { get; } = new(
        "embargo_cuba", "15 CFR 746.2", RegistryEpoch, null, true, "embargo: licence required for every item subject to the EAR, whatever its class", [], ["CU"]);

    /// <summary>15 CFR 746.7 (with OFAC's Iranian Transactions and Sanctions Regulations). [R21]</summary>
    public static ExportRule EmbargoIran { get; } = new(
        "embargo_iran", "15 CFR 746.7", RegistryEpoch, null, true, "embargo: licence required for items on the Commerce Control List, whatever their class", [], ["IR"]);

    /// <summary>15 CFR 746.4: a licence for every item subject to the EAR but food and medicine to North Korea. [R21]</summary>
    public static ExportRule EmbargoNorthKorea { get; } = new(
        "embargo_north_korea", "15 CFR 746.4", RegistryEpoch, null, true, "embargo: licence required for every item subject to the EAR but food and medicine", [], ["KP"]);

    /// <summary>15 CFR 746.9: a licence for every item subject to the EAR but food and medicine to Syria. [R21]</summary>
    public static ExportRule EmbargoSyria { get; } = new(
        "embargo_syria", "15 CFR 746.9", RegistryEpoch, null, true, "embargo: licence required for every item subject to the EAR but food and medicine", [], ["SY"]);

    /// <summary>87 FR 12226, effective 2022-02-24: CCL-based licence requirements for Russia (15 CFR 746.8). [R21]</summary>
    public static ExportRule SanctionsRussia2022 { get; } = new(
        "sanctions_russia_2022_02_24", "87 FR 12226 (2022-03-03), effective 2022-02-24; 15 CFR 746.8", new LocalDate(2022, 2, 24), null, true,
        "licence required to Russia for the CCL categories that hold integrated circuits and computers (3 to 9)", [], ["RU"]);

    /// <summary>87 FR 13048, effective 2022-03-02: the same requirements for Belarus (15 CFR 746.8). [R21]</summary>
    public static ExportRule SanctionsBelarus2022 { get; } = new(
        "sanctions_belarus_2022_03_02", "87 FR 13048 (2022-03-08), effective 2022-03-02; 15 CFR 746.8", new LocalDate(2022, 3, 2), null, true,
        "licence required to Belarus for the CCL categories that hold integrated circuits and computers (3 to 9)", [], ["BY"]);

    /// <summary>87 FR 22130, effective 2022-04-08: every item on the Commerce Control List, for Russia and Belarus. [R21]</summary>
    public static ExportRule SanctionsEveryCclItem2022 { get; } = new(
        "sanctions_every_ccl_item_2022_04_08", "87 FR 22130 (2022-04-14), effective 2022-04-08; 15 CFR 746.8", new LocalDate(2022, 4, 8), null, true,
        "licence required to Russia and Belarus for every item on the Commerce Control List", [], ["RU", "BY"]);

    /// <summary>The Part 746 rows, the broadest first: a shipment is judged by the first in force for its destination.</summary>
    public static IReadOnlyList<ExportRule> Embargoes { get; } =
        [SanctionsEveryCclItem2022, SanctionsRussia2022, SanctionsBelarus2022, EmbargoCuba, EmbargoIran, EmbargoNorthKorea, EmbargoSyria];

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
    [
        EmbargoCuba, EmbargoIran, EmbargoNorthKorea, EmbargoSyria, SanctionsRussia2022, SanctionsBelarus2022, SanctionsEveryCclItem2022,
        IndividualNotice2022, Rule2022, Macau2023, IndividualNotice2023, Rule2023, IndividualNotice2025, Diffusion2025, Rule2026,
    ];

    /// <summary>The 2026 rule's case-by-case limits.</summary>
    public const decimal CaseByCaseMaxTpp = 21_000m;

    public const decimal CaseByCaseMaxDramBandwidthGBs = 6_500m;

    public static IReadOnlyList<ExportRule> InForceOn(LocalDate date) => All.Where(r => r.InForceOn(date)).ToList();
}
