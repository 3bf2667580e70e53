using System.Text;
using System.Text.Json;
using ChipRegistry.Domain.Chips;
using ChipRegistry.EventStore;

namespace ChipRegistry.Domain.Persistence;

/// <summary>
/// A chip's history as the chip-state row keeps it: a JSON array of <c>{"type": stored name, "data": event}</c>
/// written with the store's own serializer, so the row folds back into exactly the state the stream folds into.
/// </summary>
internal static class ChipHistoryJson
{
    public static string Write(EventSerializer serializer, IEnumerable<IChipEvent> history)
    {
        var json = new StringBuilder("[");
        foreach (var e in history)
        {
            if (json.Length > 1) json.Append(',');
            json.Append("{\"type\":").Append(JsonSerializer.Serialize(serializer.TypeNameOf(e))).Append(",\"data\":").Append(serializer.Serialize(e)).Append('}');
        }
        return json.Append(']').ToString();
    }

    public static IReadOnlyList<IChipEvent> Read(EventSerializer serializer, string json)
    {
        using var document = JsonDocument.Parse(json);
        var events = new List<IChipEvent>(document.RootElement.GetArrayLength());
        foreach (var element in document.RootElement.EnumerateArray())
        {
            var type = element.GetProperty("type").GetString() ?? throw new JsonException("a history entry has no type");
            var data = serializer.Deserialize(type, element.GetProperty("data").GetRawText());
            events.Add(data as IChipEvent ?? throw new JsonException($"history entry '{type}' is not a chip event"));
        }
        return events;
    }
}
