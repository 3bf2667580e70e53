namespace ChipRegistry.Domain.Gs1;

/// <summary>
/// GS1 numbers as the registry checks them: a company prefix is 6 to 12 digits (the range the EPC Tag Data Standard
/// encodes in an SGTIN); a GTIN is the 14-digit form, indicator digit, company prefix, item reference and a mod-10
/// check digit (GS1 General Specifications 7.9.1).
/// </summary>
public static class Gtins
{
    public const int MinPrefixLength = 6;
    public const int MaxPrefixLength = 12;

    public static bool IsCompanyPrefix(string? prefix) =>
        prefix is { Length: >= MinPrefixLength and <= MaxPrefixLength } && prefix.All(char.IsAsciiDigit);

    /// <summary>A GTIN-14 with its check digit right.</summary>
    public static bool IsGtin14(string? gtin) =>
        gtin is { Length: 14 } && gtin.All(char.IsAsciiDigit) && CheckDigit(gtin.AsSpan(0, 13)) == gtin[13] - '0';

    /// <summary>The check digit of the 13 digits before it: weights 3 and 1 alternating from the right.</summary>
    public static int CheckDigit(ReadOnlySpan<char> digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var weight = (digits.Length - i) % 2 == 1 ? 3 : 1;
            sum += (digits[i] - '0') * weight;
        }
        return (10 - sum % 10) % 10;
    }

    /// <summary>
    /// The GTIN-14 of an SGTIN's company prefix and indicator-plus-item-reference (together 13 digits): the indicator
    /// moves to the front, the check digit is computed. Null when the parts are not digits of that length.
    /// </summary>
    public static string? FromSgtinParts(string companyPrefix, string indicatorAndItemReference)
    {
        if (!IsCompanyPrefix(companyPrefix) || indicatorAndItemReference.Length + companyPrefix.Length != 13
            || !indicatorAndItemReference.All(char.IsAsciiDigit) || indicatorAndItemReference.Length == 0)
        {
            return null;
        }
        var body = indicatorAndItemReference[0] + companyPrefix + indicatorAndItemReference[1..];
        return body + (char)('0' + CheckDigit(body));
    }

    /// <summary>The prefixes of <paramref name="gtin"/> a company prefix could be (after the indicator digit), shortest first.</summary>
    public static IEnumerable<string> CandidatePrefixes(string gtin)
    {
        ArgumentNullException.ThrowIfNull(gtin);
        for (var length = MinPrefixLength; length <= MaxPrefixLength && 1 + length < gtin.Length; length++)
        {
            yield return gtin.Substring(1, length);
        }
    }
}
