using System.Text.Json;

namespace ChipRegistry.Api.Requests;

/// <summary>
/// Strings a request may not carry, whatever the field: U+0000 (PostgreSQL stores it in neither text nor jsonb) and
/// escaped lone surrogates (no Unicode text; they cannot be decoded). Checked on property names and values alike,
/// before any field is read, so such a request is a 400 naming the path and nothing is written.
/// </summary>
internal static class JsonText
{
    public static (string Path, string Reason)? FindUnstorable(JsonElement element, string path = "$")
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    string name;
                    try
                    {
                        name = property.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        return (path, "a property name is not Unicode text (a lone surrogate)");
                    }
                    if (name.Contains('\0', StringComparison.Ordinal)) return ($"{path}.{name.Replace("\0", "\\u0000", StringComparison.Ordinal)}", "a property name holds U+0000");
                    if (FindUnstorable(property.Value, $"{path}.{name}") is { } nested) return nested;
                }
                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (FindUnstorable(item, $"{path}[{index++}]") is { } nested) return nested;
                }
                return null;
            case JsonValueKind.String:
                string value;
                try
                {
                    value = element.GetString()!;
                }
                catch (InvalidOperationException)
                {
                    return (path, "not Unicode text (a lone surrogate)");
                }
                return value.Contains('\0', StringComparison.Ordinal) ? (path, "U+0000 is not allowed") : null;
            default:
                return null;
        }
    }
}
