using NodaTime;

namespace ChipRegistry.Domain.Policy;

/// <summary>
/// Hubs through which diverted chips have passed in the cases of domain.md section 3 (a design default, configurable
/// by replacing the list): Singapore, Malaysia, Thailand, Hong Kong, United Arab Emirates.
/// </summary>
public static class TransshipmentWatchList
{
    public static IReadOnlySet<string> DefaultHubs { get; } = new HashSet<string> { "SG", "MY", "TH", "HK", "AE" };

    /// <summary>Malaysia has required a permit for exporting US-origin AI chips since 2025-07-14.</summary>
    public static LocalDate MalaysiaPermitFrom { get; } = new(2025, 7, 14);

    public static bool IsHub(string country) => DefaultHubs.Contains(country);

    /// <summary>Does leaving <paramref name="country"/> on <paramref name="date"/> need a local (non-US) export permit?</summary>
    public static bool LocalExportPermitRequired(string country, LocalDate date) => country == "MY" && date >= MalaysiaPermitFrom;
}
