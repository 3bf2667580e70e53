using System.Text.Json;

namespace ChipRegistry.Api.Requests;

/// <summary>
/// Finds the first property named twice in one object, anywhere in the body. JSON leaves duplicates undefined and
/// readers differ (ours took the last one), so a request that says two things in one field is refused, naming the
/// path. Names are compared as the reader binds them: case-insensitively when the options are.
/// </summary>
internal static class DuplicateFields
{
    public static string? FindFirst(JsonElement element, JsonSerializerOptions options, string path = "$")
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var seen = new HashSet<string>(options.PropertyNameCaseInsensitive ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    if (!seen.Add(property.Name))
                    {
                        return $"{path}.{property.Name}";
                    }
                    if (FindFirst(property.Value, options, $"{path}.{property.Name}") is { } nested)
                    {
                        return nested;
                    }
                }
                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (FindFirst(item, options, $"{path}[{index++}]") is { } nested)
                    {
                        return nested;
                    }
                }
                return null;
            default:
                return null;
        }
    }
}
