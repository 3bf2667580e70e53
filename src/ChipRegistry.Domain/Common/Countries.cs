namespace ChipRegistry.Domain.Common;

/// <summary>ISO 3166-1 alpha-2 codes: the only country notation in the domain.</summary>
public static class Countries
{
    public const string China = "CN";
    public const string HongKong = "HK";
    public const string Macau = "MO";
    public const string UnitedStates = "US";

    /// <summary>Two upper-case ASCII letters. (Membership of the ISO list itself is not checked.)</summary>
    public static bool IsAlpha2(string? code) =>
        code is { Length: 2 } && char.IsAsciiLetterUpper(code[0]) && char.IsAsciiLetterUpper(code[1]);

    /// <summary>The EAR has treated Hong Kong as China since 2020-12-23 for country groups and destination rules.</summary>
    public static string AsTreatedByEar(string country) => country == HongKong ? China : country;
}
