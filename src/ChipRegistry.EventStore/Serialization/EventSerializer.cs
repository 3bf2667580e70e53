using System.Text.Json;
using System.Text.Json.Serialization;

namespace ChipRegistry.EventStore;

/// <summary>
/// Turns event data into jsonb text and back through the type registry. Stored property names
/// are snake_case; unknown properties are ignored and missing ones take their defaults, so an
/// event type can gain fields without breaking stored history.
/// </summary>
public sealed class EventSerializer
{
    public EventSerializer(EventTypeRegistry types, Action<JsonSerializerOptions>? configure = null)
    {
        Types = types ?? throw new ArgumentNullException(nameof(types));
        Options = CreateDefaultOptions();
        configure?.Invoke(Options);
        Options.MakeReadOnly(populateMissingResolver: true);
    }

    public EventTypeRegistry Types { get; }

    public JsonSerializerOptions Options { get; }

    public static JsonSerializerOptions CreateDefaultOptions() => new JsonSerializerOptions(JsonSerializerDefaults.General)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
        NumberHandling = JsonNumberHandling.Strict,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    }.ConfigureForRegistryTime();

    public string TypeNameOf(object data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Types.NameOf(data.GetType());
    }

    public string Serialize(object data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return JsonSerializer.Serialize(data, data.GetType(), Options);
    }

    /// <summary>An unregistered type name yields an <see cref="UnregisteredEvent"/> rather than an error.</summary>
    public object Deserialize(string typeName, string json)
    {
        if (!Types.TryGetType(typeName, out var type))
        {
            using var document = JsonDocument.Parse(json);
            return new UnregisteredEvent(typeName, document.RootElement.Clone());
        }
        return JsonSerializer.Deserialize(json, type, Options)
            ?? throw new JsonException($"Event of type '{typeName}' has null data.");
    }
}
