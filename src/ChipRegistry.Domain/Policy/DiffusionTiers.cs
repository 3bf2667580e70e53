using ChipRegistry.Domain.Common;
using NodaTime;

namespace ChipRegistry.Domain.Policy;

public enum DiffusionTier
{
    Tier1 = 1,
    Tier2 = 2,
    Tier3 = 3,
}

/// <summary>
/// The tiers of the 2025 AI diffusion rule (90 FR 4544). The rule never reached its compliance date
/// (see <see cref="RuleCalendar.Diffusion2025"/>): the tiers are kept as yardsticks for concentration, not as law.
/// </summary>
public static class DiffusionTiers
{
    /// <summary>The United States and its 18 Tier-1 partners (domain.md section 1a).</summary>
    public static IReadOnlySet<string> Tier1 { get; } = new HashSet<string>
    {
        "US", "AU", "BE", "CA", "DK", "FI", "FR", "DE", "IE", "IT", "JP", "NL", "NZ", "NO", "KR", "ES", "SE", "TW", "GB",
    };

    /// <summary>Tier-2 cumulative cap: ≈ 790 M TPP through 2027 (≈ 50,000 H100).</summary>
    public const decimal Tier2CountryCapTpp = 790_000_000m;

    /// <summary>Low-volume exception: ≈ 1,700 H100-equivalents per customer per year.</summary>
    public const decimal LowVolumeH100eePerCustomerYear = 1_700m;

    /// <summary>Universal VEU: ≥ 75% of compute in Tier 1, ≤ 7% in any one Tier-2 country.</summary>
    public const decimal UniversalVeuMinTier1Share = 0.75m;

    public const decimal UniversalVeuMaxSingleTier2Share = 0.07m;

    /// <summary>Tier 3: D:5 and Macau (on the date); Tier 1: the list; Tier 2: everyone else.</summary>
    public static DiffusionTier TierOf(string country, LocalDate date) =>
        Tier1.Contains(country) ? DiffusionTier.Tier1
        : CountryGroups.IsD5OrMacau(Countries.AsTreatedByEar(country), date) ? DiffusionTier.Tier3
        : DiffusionTier.Tier2;
}
