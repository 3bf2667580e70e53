using System.Text.Json;
using System.Text.Json.Nodes;

namespace ChipRegistry.Api.Tests.Epcis;

/// <summary>GS1's EPCIS 2.0 reference documents, read unchanged from <c>../shared/data/epcis</c> beside the repository.</summary>
public static class EpcisVectors
{
    public static string Directory { get; } = Find();

    public static string Read(string name) => File.ReadAllText(Path.Combine(Directory, name));

    /// <summary>The document with every event's time (and declaration time) moved to the same instant of 2025.</summary>
    public static string MovedTo2025(string name)
    {
        var document = JsonNode.Parse(Read(name))!;
        foreach (var e in document["epcisBody"]!["eventList"]!.AsArray())
        {
            MoveYear(e!.AsObject(), "eventTime");
            if (e["errorDeclaration"] is JsonObject declaration) MoveYear(declaration, "declarationTime");
        }
        return document.ToJsonString();
    }

    private static void MoveYear(JsonObject o, string field)
    {
        if (o[field]?.GetValue<string>() is { Length: > 4 } time) o[field] = "2025" + time[4..];
    }

    public static JsonElement[] Events(string name) =>
        [.. JsonDocument.Parse(Read(name)).RootElement.GetProperty("epcisBody").GetProperty("eventList").EnumerateArray()];

    public static Dictionary<string, string> Namespaces(string name) =>
        JsonDocument.Parse(Read(name)).RootElement.GetProperty("@context").EnumerateArray()
            .Where(c => c.ValueKind == JsonValueKind.Object).SelectMany(c => c.EnumerateObject())
            .Where(p => p.Value.ValueKind == JsonValueKind.String).ToDictionary(p => p.Name, p => p.Value.GetString()!);

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ChipRegistry.sln")))
            {
                return Path.GetFullPath(Path.Combine(directory.FullName, "..", "shared", "data", "epcis"));
            }
        }
        throw new InvalidOperationException("The repository root (ChipRegistry.sln) is not above the test's directory.");
    }
}
