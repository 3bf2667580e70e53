using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace ChipRegistry.Api.Requests;

/// <summary>
/// Finds the first JSON property that the target type does not declare, walking nested objects and
/// arrays through the serializer's own contract, so a misspelt field is named instead of ignored.
/// </summary>
internal static class UnknownFields
{
    public static string? FindFirst(JsonElement element, Type type, JsonSerializerOptions options, string path = "$")
    {
        var info = options.GetTypeInfo(type);
        switch (info.Kind)
        {
            case JsonTypeInfoKind.Object when element.ValueKind == JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    var declared = info.Properties.FirstOrDefault(p => string.Equals(p.Name, property.Name, options.PropertyNameCaseInsensitive ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal));
                    if (declared is null)
                    {
                        return $"{path}.{property.Name}";
                    }
                    if (FindFirst(property.Value, declared.PropertyType, options, $"{path}.{property.Name}") is { } nested)
                    {
                        return nested;
                    }
                }
                return null;
            case JsonTypeInfoKind.Enumerable when element.ValueKind == JsonValueKind.Array && info.ElementType is { } elementType:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (FindFirst(item, elementType, options, $"{path}[{index++}]") is { } nested)
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
