using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace ChipRegistry.Api.Requests;

/// <summary>
/// Checks a body's fields against the serializer's own contract for the target type (constructor parameters,
/// <c>required</c> members, naming policy), walking nested objects and arrays, so the answer names the exact field
/// (<c>$.parties[2].reason</c>) instead of the object around it or nothing at all.
/// </summary>
internal static class ContractFields
{
    /// <summary>The first property the target type does not declare: a misspelt field is named instead of ignored.</summary>
    public static string? FirstUnknown(JsonElement element, Type type, JsonSerializerOptions options) =>
        FirstFinding(element, type, options, "$", static (body, info, comparison, path) =>
            body.EnumerateObject().Select(p => p.Name).FirstOrDefault(name => !info.Properties.Any(d => string.Equals(d.Name, name, comparison))) is { } name
                ? $"{path}.{name}"
                : null);

    /// <summary>The first required field left out: a constructor parameter without a default, or a <c>required</c> member.</summary>
    public static string? FirstMissing(JsonElement element, Type type, JsonSerializerOptions options) =>
        FirstFinding(element, type, options, "$", static (body, info, comparison, path) =>
            info.Properties.FirstOrDefault(d => IsRequired(d) && !body.EnumerateObject().Any(p => string.Equals(p.Name, d.Name, comparison))) is { } missing
                ? $"{path}.{missing.Name}"
                : null);

    private delegate string? ObjectCheck(JsonElement body, JsonTypeInfo info, StringComparison comparison, string path);

    private static string? FirstFinding(JsonElement element, Type type, JsonSerializerOptions options, string path, ObjectCheck check)
    {
        var info = options.GetTypeInfo(type);
        switch (info.Kind)
        {
            case JsonTypeInfoKind.Object when element.ValueKind == JsonValueKind.Object:
                var comparison = options.PropertyNameCaseInsensitive ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
                if (check(element, info, comparison, path) is { } here)
                {
                    return here;
                }
                foreach (var property in element.EnumerateObject())
                {
                    // An undeclared property has no contract to walk into (FirstUnknown has already named it).
                    var declared = info.Properties.FirstOrDefault(d => string.Equals(d.Name, property.Name, comparison));
                    if (declared is not null && FirstFinding(property.Value, declared.PropertyType, options, $"{path}.{property.Name}", check) is { } nested)
                    {
                        return nested;
                    }
                }
                return null;
            case JsonTypeInfoKind.Enumerable when element.ValueKind == JsonValueKind.Array && info.ElementType is { } elementType:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (FirstFinding(item, elementType, options, $"{path}[{index++}]", check) is { } nested)
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
