namespace ChipRegistry.Domain.Common;

/// <summary>The stable error codes of <see cref="Countries.Problem"/>, each with its kind.</summary>
public static class CountryErrors
{
    /// <summary>A country that is not two upper-case ASCII letters (422).</summary>
    public const string InvalidCountry = "invalid_country";

    /// <summary>Two upper-case letters that ISO 3166-1 has not assigned to a country (<c>XX</c>, <c>ZZ</c>, <c>QQ</c>, <c>AA</c>) (422).</summary>
    public const string UnknownCountry = "unknown_country";

    public static IReadOnlyDictionary<string, ErrorKind> ErrorKinds { get; } = new Dictionary<string, ErrorKind>(StringComparer.Ordinal)
    {
        [InvalidCountry] = ErrorKind.Invalid,
        [UnknownCountry] = ErrorKind.Invalid,
    };
}
