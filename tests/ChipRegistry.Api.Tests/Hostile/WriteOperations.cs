using System.Text.Json;
using System.Text.Json.Nodes;

namespace ChipRegistry.Api.Tests.Hostile;

/// <summary>A write endpoint as the OpenAPI document describes it: its route, a well-formed body, and which fields it requires.</summary>
public sealed record WriteOperation(string Method, string PathTemplate, string Name, JsonObject Body, IReadOnlySet<string> Required, IReadOnlySet<string> Nullable)
{
    public IEnumerable<string> PathParameters =>
        PathTemplate.Split('/').Where(s => s.StartsWith('{') && s.EndsWith('}')).Select(s => s[1..^1]);

    public string PathWith(Func<string, string> value) =>
        string.Join('/', PathTemplate.Split('/').Select(s => s.StartsWith('{') && s.EndsWith('}') ? Uri.EscapeDataString(value(s[1..^1])) : s));
}

/// <summary>
/// Every operation of <c>/openapi/v1.json</c> that writes (POST, PUT, PATCH, DELETE) and takes a JSON body, with the
/// body from the operation's example (a request the endpoint documents as valid) or, without one, built from the schema.
/// A new endpoint is in this list as soon as it is in the document.
/// </summary>
public static class WriteOperations
{
    private static readonly string[] WriteMethods = ["post", "put", "patch", "delete"];

    public static (IReadOnlyList<WriteOperation> Operations, IReadOnlyList<string> WithoutBody) Read(JsonElement document)
    {
        var schemas = document.GetProperty("components").GetProperty("schemas");
        var operations = new List<WriteOperation>();
        var withoutBody = new List<string>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject().Where(o => WriteMethods.Contains(o.Name)))
            {
                var name = operation.Value.TryGetProperty("operationId", out var id) ? id.GetString()! : $"{operation.Name.ToUpperInvariant()} {path.Name}";
                if (!operation.Value.TryGetProperty("requestBody", out var requestBody)
                    || !requestBody.GetProperty("content").TryGetProperty("application/json", out var json))
                {
                    withoutBody.Add(name);
                    continue;
                }
                var schema = Resolve(json.GetProperty("schema"), schemas);
                var body = Example(json) ?? Synthesize(schema, schemas) as JsonObject ?? [];
                var properties = schema.TryGetProperty("properties", out var declared) ? declared : default;
                var required = schema.TryGetProperty("required", out var names) ? names.EnumerateArray().Select(n => n.GetString()!).ToHashSet() : [];
                var nullable = properties.ValueKind == JsonValueKind.Object
                    ? properties.EnumerateObject().Where(p => AllowsNull(p.Value, schemas)).Select(p => p.Name).ToHashSet()
                    : [];
                operations.Add(new WriteOperation(operation.Name.ToUpperInvariant(), path.Name, name, body, required, nullable));
            }
        }
        return (operations, withoutBody);
    }

    private static JsonObject? Example(JsonElement content)
    {
        if (content.TryGetProperty("example", out var example) && example.ValueKind == JsonValueKind.Object)
        {
            return JsonNode.Parse(example.GetRawText())!.AsObject();
        }
        if (content.TryGetProperty("examples", out var examples) && examples.ValueKind == JsonValueKind.Object)
        {
            foreach (var named in examples.EnumerateObject())
            {
                if (named.Value.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.Object)
                {
                    return JsonNode.Parse(value.GetRawText())!.AsObject();
                }
            }
        }
        return null;
    }

    private static JsonElement Resolve(JsonElement schema, JsonElement schemas)
    {
        for (var hops = 0; hops < 10; hops++)
        {
            if (schema.TryGetProperty("$ref", out var reference))
            {
                schema = schemas.GetProperty(reference.GetString()!.Split('/')[^1]);
                continue;
            }
            foreach (var combinator in new[] { "allOf", "oneOf", "anyOf" })
            {
                if (schema.TryGetProperty(combinator, out var options))
                {
                    var first = options.EnumerateArray().FirstOrDefault(o => !IsNullType(o));
                    if (first.ValueKind == JsonValueKind.Object)
                    {
                        schema = first;
                        goto next;
                    }
                }
            }
            return schema;
        next:;
        }
        return schema;
    }

    private static bool IsNullType(JsonElement schema) =>
        schema.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "null";

    private static bool AllowsNull(JsonElement schema, JsonElement schemas)
    {
        if (schema.TryGetProperty("nullable", out var nullable) && nullable.ValueKind == JsonValueKind.True) return true;
        if (schema.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.Array && type.EnumerateArray().Any(t => t.GetString() == "null")) return true;
        foreach (var combinator in new[] { "oneOf", "anyOf" })
        {
            if (schema.TryGetProperty(combinator, out var options) && options.EnumerateArray().Any(IsNullType)) return true;
        }
        return schema.TryGetProperty("$ref", out _) && AllowsNull(Resolve(schema, schemas), schemas);
    }

    private static string? TypeOf(JsonElement schema) =>
        !schema.TryGetProperty("type", out var type) ? (schema.TryGetProperty("properties", out _) ? "object" : null)
        : type.ValueKind == JsonValueKind.String ? type.GetString()
        : type.EnumerateArray().Select(t => t.GetString()).FirstOrDefault(t => t != "null");

    private static JsonNode? Synthesize(JsonElement schema, JsonElement schemas, int depth = 0)
    {
        schema = Resolve(schema, schemas);
        var format = schema.TryGetProperty("format", out var f) ? f.GetString() : null;
        switch (TypeOf(schema))
        {
            case "string":
                return format switch
                {
                    "date-time" => "2026-01-05T10:00:00Z",
                    "date" => "2026-01-05",
                    "uuid" => "0193a5e2-7c1d-7b3e-9f10-2c4d5e6f7a8b",
                    _ => schema.TryGetProperty("enum", out var values) ? values[0].GetString() : "x",
                };
            case "integer":
            case "number":
                return 1;
            case "boolean":
                return true;
            case "array":
                return depth > 3 || !schema.TryGetProperty("items", out var items) ? new JsonArray() : new JsonArray(Synthesize(items, schemas, depth + 1));
            case "object":
                var body = new JsonObject();
                if (depth <= 3 && schema.TryGetProperty("properties", out var properties))
                {
                    foreach (var property in properties.EnumerateObject())
                    {
                        body[property.Name] = Synthesize(property.Value, schemas, depth + 1);
                    }
                }
                return body;
            default:
                return "x";
        }
    }
}
