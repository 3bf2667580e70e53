using ChipRegistry.Domain.Common;
using NodaTime;

namespace ChipRegistry.Domain.Policy;

public enum CountryGroup
{
    A5,
    A6,
    D1,
    D4,
    D5,
}

/// <summary>A country's membership of a group over [<see cref="From"/>, <see cref="Until"/>) (null: open-ended).</summary>
public sealed record GroupMembership(CountryGroup Group, string Country, LocalDate? From, LocalDate? Until, string Source)
{
    public bool CoversDate(LocalDate date) => (From is null || From <= date) && (Until is null || date < Until);
}

/// <summary>
/// Country groups of 15 CFR Part 740, Supplement No. 1, as dated data.
/// <para>
/// Read on 2026-11-22 (the official eCFR page itself was not reachable from here), from two copies that state
/// they were checked against the eCFR text:
/// A:5 and A:6 from the "Stacks Verified U.S. regulatory reference" rendering of 15 CFR 740 Supp. 1
/// ("verified against eCFR.gov as of June 20, 2026"); D:1, D:4 and D:5 from a published membership snapshot
/// "reviewed against 15 CFR Part 740, Supplement No. 1 … as of July 8, 2026" (ISO alpha-2 codes).
/// </para>
/// <para>
/// Dated changes: Cambodia left D:5 on 2026-02-03 (BIS rule of that date, after the State Department removed it
/// from ITAR 126.1 in Nov 2025; Fenwick, "Regulatory impact of arms embargo country designations");
/// Nicaragua joined D:5 on 2024-03-15 (ITAR 126.1 amended, 89 FR, FR doc. 2024-05695; D:5 mirrors ITAR 126.1).
/// Other entries are the lists as read; earlier changes (before the chip rules of 2022-10-07) do not matter here.
/// Hong Kong has no row: the EAR treats it as China (see <see cref="Countries.AsTreatedByEar"/>).
/// </para>
/// </summary>
public static class CountryGroups
{
    public static LocalDate ReadOn { get; } = new(2026, 11, 22);

    private const string StacksA = "15 CFR 740 Supp. 1 via Stacks Verified rendering, verified against eCFR 2026-06-20; read 2026-11-22";
    private const string SnapshotD = "15 CFR 740 Supp. 1 membership snapshot reviewed against eCFR 2026-07-08; read 2026-11-22";

    private static readonly string[] A5 =
    [
        "AR", "AU", "AT", "BE", "BG", "CA", "HR", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IS", "IN", "IE", "IT", "JP",
        "KR", "LV", "LT", "LU", "NL", "NZ", "NO", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "CH", "TR", "GB",
    ];

    private static readonly string[] A6 = ["AL", "BR", "CY", "IL", "MT", "MX", "SG", "ZA", "TW"];

    private static readonly string[] D1 =
    [
        "AM", "AZ", "BY", "CN", "GE", "IQ", "KG", "KH", "KP", "KZ", "LA", "LY", "MD", "MM", "MN", "MO", "NI", "RU", "TJ", "TM",
        "UZ", "VE", "VN", "YE",
    ];

    private static readonly string[] D4 =
    [
        "AE", "BH", "BY", "CN", "EG", "IL", "IQ", "IR", "JO", "KP", "KW", "LB", "LY", "MO", "OM", "PK", "QA", "RU", "SA", "SY",
        "VE", "YE",
    ];

    private static readonly string[] D5 =
    [
        "AF", "BY", "CD", "CF", "CN", "CU", "ER", "HT", "IQ", "IR", "KP", "LB", "LY", "MM", "RU", "SD", "SO", "SS", "SY", "VE", "ZW",
    ];

    public static IReadOnlyList<GroupMembership> Memberships { get; } =
    [
        .. A5.Select(c => new GroupMembership(CountryGroup.A5, c, null, null, StacksA)),
        .. A6.Select(c => new GroupMembership(CountryGroup.A6, c, null, null, StacksA)),
        .. D1.Select(c => new GroupMembership(CountryGroup.D1, c, null, null, SnapshotD)),
        .. D4.Select(c => new GroupMembership(CountryGroup.D4, c, null, null, SnapshotD)),
        .. D5.Select(c => new GroupMembership(CountryGroup.D5, c, null, null, SnapshotD)),
        new GroupMembership(CountryGroup.D5, "KH", null, new LocalDate(2026, 2, 3), "removed from D:5 by BIS rule of 2026-02-03 (Fenwick summary); read 2026-11-22"),
        new GroupMembership(CountryGroup.D5, "NI", new LocalDate(2024, 3, 15), null, "added to ITAR 126.1 on 2024-03-15 (FR doc. 2024-05695), hence D:5; read 2026-11-22"),
    ];

    public static bool IsMember(CountryGroup group, string country, LocalDate date)
    {
        var treated = Countries.AsTreatedByEar(country);
        return Memberships.Any(m => m.Group == group && m.Country == treated && m.CoversDate(date));
    }

    public static IReadOnlyList<CountryGroup> GroupsOf(string country, LocalDate date) =>
        Enum.GetValues<CountryGroup>().Where(g => IsMember(g, country, date)).ToList();

    public static string Label(CountryGroup group) => group switch
    {
        CountryGroup.A5 => "A:5",
        CountryGroup.A6 => "A:6",
        CountryGroup.D1 => "D:1",
        CountryGroup.D4 => "D:4",
        CountryGroup.D5 => "D:5",
        _ => throw new ArgumentOutOfRangeException(nameof(group), group, null),
    };

    /// <summary>D:5 or Macau: the "headquartered in / ultimate parent in" test of the 2023 rule.</summary>
    public static bool IsD5OrMacau(string country, LocalDate date) =>
        IsMember(CountryGroup.D5, country, date) || country == Countries.Macau;
}
