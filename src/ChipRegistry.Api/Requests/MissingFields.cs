using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace ChipRegistry.Api.Requests;

/// <summary>
/// Finds the first required field a body leaves out, walking nested objects and arrays through the serializer's own
/// contract (a constructor parameter without a default, or a <c>required</c> member), so the answer names the field
/// (<c>$.reason</c>) instead of the object that lacks it.
/// </summary>
internal static class MissingFields
{
    public static string? FindFirst(JsonElement element, Type type, JsonSerializerOptions options, string path = "$")
    {
        var info = options.GetTypeInfo(type);
        switch (info.Kind)
        {
            case JsonTypeInfoKind.Object when element.ValueKind == JsonValueKind.Object:
                var comparison = options.PropertyNameCaseInsensitive ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
                foreach (var declared in info.Properties)
                {
                    var present = element.EnumerateObject().FirstOrDefault(p => string.Equals(p.Name, declared.Name, comparison));
                    if (present.Value.ValueKind == JsonValueKind.Undefined)
                    {
                        if (IsRequired(declared))
                        {
                            return $"{path}.{declared.Name}";
                        }
                        continue;
                    }
                    if (FindFirst(present.Value, declared.PropertyType, options, $"{path}.{declared.Name}") is { } nested)
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

    private static bool IsRequired(JsonPropertyInfo property) =>
        property.IsRequired || property.AssociatedParameter is { HasDefaultValue: false };
}
