using System.Text.Json;
using System.Text.RegularExpressions;

namespace ChipRegistry.Api.Tests.Docs;

/// <summary>
/// The one time format out (docs/api.md, "Times"): RFC 3339 in UTC with Z, fraction digits only while non-zero.
/// Finds every time in a JSON document that breaks it: a date-time string in another form, or a time field that
/// is an object (a NodaTime value serialized without its converter reads <c>{}</c>).
/// </summary>
internal static partial class TimeValues
{
    /// <summary>Names of fields that hold a time or a calendar date, besides every name ending in At or _at.</summary>
    private static readonly HashSet<string> TimeNames = new(StringComparer.Ordinal)
    {
        "from", "to", "asOf", "knownAt", "validFrom", "validUntil", "effectiveFrom", "foundedOn", "on",
        "valid_from", "valid_until", "effective_from", "founded_on", "as_of", "known_at",
    };

    public static bool IsTimeName(string name) =>
        TimeNames.Contains(name) || name.EndsWith("At", StringComparison.Ordinal) || name.EndsWith("_at", StringComparison.Ordinal);

    /// <summary>A string that is meant as a date-time (a date, then T): it must then be in the one format.</summary>
    public static bool IsInTheOneFormat(string value) => OneFormat().IsMatch(value) && !TrailingFractionZero().IsMatch(value);

    public static IEnumerable<string> Violations(JsonElement element, string path = "$")
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    var at = $"{path}.{property.Name}";
                    if (IsTimeName(property.Name) && property.Value.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
                    {
                        yield return $"{at} is a time field but {property.Value.ValueKind}: {property.Value.GetRawText()}";
                        continue;
                    }
                    foreach (var violation in Violations(property.Value, at))
                    {
                        yield return violation;
                    }
                }
                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    foreach (var violation in Violations(item, $"{path}[{index++}]"))
                    {
                        yield return violation;
                    }
                }
                break;
            case JsonValueKind.String when LooksLikeDateTime().IsMatch(element.GetString()!) && !IsInTheOneFormat(element.GetString()!):
                yield return $"{path} = \"{element.GetString()}\" is not RFC 3339 UTC with Z and fraction digits only while non-zero";
                break;
        }
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$", RegexOptions.CultureInvariant)]
    private static partial Regex OneFormat();

    [GeneratedRegex(@"\.\d*0Z$", RegexOptions.CultureInvariant)]
    private static partial Regex TrailingFractionZero();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}", RegexOptions.CultureInvariant)]
    private static partial Regex LooksLikeDateTime();
}
