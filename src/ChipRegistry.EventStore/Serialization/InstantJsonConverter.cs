using System.Text.Json;
using System.Text.Json.Serialization;
using NodaTime;
using NodaTime.Text;

namespace ChipRegistry.EventStore;

/// <summary>An <see cref="Instant"/> as an ISO-8601 UTC string with up to nine fractional digits.</summary>
public sealed class InstantJsonConverter : JsonConverter<Instant>
{
    private static readonly InstantPattern Pattern = InstantPattern.ExtendedIso;

    public override Instant Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"Expected an ISO-8601 instant string, found {reader.TokenType}.");
        }
        var result = Pattern.Parse(reader.GetString()!);
        return result.Success ? result.Value : throw new JsonException(result.Exception.Message, result.Exception);
    }

    public override void Write(Utf8JsonWriter writer, Instant value, JsonSerializerOptions options) =>
        writer.WriteStringValue(Pattern.Format(value));
}
