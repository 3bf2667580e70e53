using System.Collections.Frozen;

namespace ChipRegistry.Domain.Common;

/// <summary>ISO 3166-1 alpha-2 codes: the only country notation in the domain.</summary>
public static class Countries
{
    public const string China = "CN";
    public const string HongKong = "HK";
    public const string Macau = "MO";
    public const string UnitedStates = "US";

    /// <summary>
    /// The 249 officially assigned ISO 3166-1 alpha-2 codes as of 2026-12-05, taken from the ISO 3166
    /// Maintenance Agency's list as packaged by Debian iso-codes 4.15.0 (<c>iso_3166-1.json</c>); the set has not
    /// changed since South Sudan (SS) in 2011. Reserved, transitional and user-assigned codes are not countries here:
    /// not AA, QM-QZ, XA-XZ or ZZ, and so not XK, which some governments use for Kosovo but ISO has not assigned.
    /// When ISO assigns or withdraws a code, change this table and its date.
    /// </summary>
    public static FrozenSet<string> Assigned { get; } = new[]
    {
        "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ", "BA", "BB", "BD", "BE",
        "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS", "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD",
        "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN", "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM",
        "DO", "DZ", "EC", "EE", "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
        "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM", "HN", "HR", "HT", "HU",
        "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM", "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN",
        "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC", "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME",
        "MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
        "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM",
        "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW", "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI",
        "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS", "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK",
        "TL", "TM", "TN", "TO", "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
        "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Two upper-case ASCII letters. (Whether ISO assigned them is <see cref="IsAssigned"/>.)</summary>
    public static bool IsAlpha2(string? code) =>
        code is { Length: 2 } && char.IsAsciiLetterUpper(code[0]) && char.IsAsciiLetterUpper(code[1]);

    /// <summary>An officially assigned ISO 3166-1 alpha-2 code (see <see cref="Assigned"/>).</summary>
    public static bool IsAssigned(string? code) => code is not null && Assigned.Contains(code);

    /// <summary>
    /// Why <paramref name="code"/> is not a country a command may name (field <paramref name="field"/>), or null: the
    /// one check of every country the domain accepts. A stored country is never re-checked.
    /// </summary>
    public static DomainError? Problem(string? code, string field) =>
        !IsAlpha2(code) ? new DomainError(CountryErrors.InvalidCountry, $"{field} '{code}' is not an ISO 3166-1 alpha-2 code (two upper-case letters, e.g. DE)")
        : !IsAssigned(code) ? new DomainError(CountryErrors.UnknownCountry, $"{field} '{code}' is not an assigned ISO 3166-1 alpha-2 code")
        : null;

    /// <summary>The EAR has treated Hong Kong as China since 2020-12-23 for country groups and destination rules.</summary>
    public static string AsTreatedByEar(string country) => country == HongKong ? China : country;
}
