using System.Text.Json;

namespace ChipRegistry.EventStore;

/// <summary>Our NodaTime converters (the NodaTime.Serialization package is not available here).</summary>
public static class NodaTimeJson
{
    public static JsonSerializerOptions AddNodaTimeConverters(this JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Converters.Add(new InstantJsonConverter());
        options.Converters.Add(new LocalDateJsonConverter());
        return options;
    }
}
