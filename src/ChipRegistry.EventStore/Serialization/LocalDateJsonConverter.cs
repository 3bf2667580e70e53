using System.Text.Json;
using System.Text.Json.Serialization;
using NodaTime;
using NodaTime.Text;

namespace ChipRegistry.EventStore;

/// <summary>A <see cref="LocalDate"/> as an ISO-8601 date string (uuuu-MM-dd).</summary>
public sealed class LocalDateJsonConverter : JsonConverter<LocalDate>
{
    private static readonly LocalDatePattern Pattern = LocalDatePattern.Iso;

    public override LocalDate Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"Expected an ISO-8601 date string, found {reader.TokenType}.");
        }
        var result = Pattern.Parse(reader.GetString()!);
        return result.Success ? result.Value : throw new JsonException(result.Exception.Message, result.Exception);
    }

    public override void Write(Utf8JsonWriter writer, LocalDate value, JsonSerializerOptions options) =>
        writer.WriteStringValue(Pattern.Format(value));
}
