using System.Text;
using System.Text.Json.Nodes;

namespace ChipRegistry.Api.Tests.Hostile;

/// <summary>What a hostile request gets wrong, and what the registry must answer.</summary>
public enum Defect
{
    // Exact answers: the body is refused before anything is decoded or decided.
    Malformed, NotUtf8, WrongType, NumberAsString, NullField, TimeWithoutOffset, UnknownField, DuplicateField, MissingField,
    Nul, LoneSurrogate, WrongMediaType, Oversize,
    // The domain's rules answer: some 4xx (or, for a report on a chip that is not the caller's or is destroyed, an observation).
    Control, Bidi, ZeroWidth, Injection, AbsurdTime, AbsurdNumber, LargeBody, CustodianLifecycleStep, StrangersReport,
}

/// <summary>One request of the corpus: the endpoint, the defect, and the bytes as sent.</summary>
public sealed record HostileCase(WriteOperation Operation, Defect Defect, string Detail, byte[] Body, string ContentType = "application/json", bool Chunked = false)
{
    public string RequestText => Encoding.UTF8.GetString(Body);
}

/// <summary>
/// Generates the defects of one endpoint from its well-formed body: every top-level field (and the strings one level
/// down, in arrays and nested objects) gets the defects its type admits.
/// </summary>
public static class HostileCases
{
    private const string Hole = "__hostile_value__";

    public static readonly string[] Injections =
    [
        "'; drop table events; --", "${jndi:ldap://x.example/a}",
    ];

    public static IEnumerable<HostileCase> For(WriteOperation operation)
    {
        var body = operation.Body;
        var text = body.ToJsonString();
        var first = body.FirstOrDefault();

        yield return new(operation, Defect.Malformed, "truncated", Utf8(text[..Math.Max(1, text.Length / 2)]));
        yield return new(operation, Defect.Malformed, "trailing comma", Utf8(text.TrimEnd('}') + ",}"));
        if (body.Count > 0)
        {
            yield return new(operation, Defect.Malformed, "single quotes", Utf8(text.Replace('"', '\'')));
        }
        yield return new(operation, Defect.Malformed, "not json", Utf8("hello"));
        yield return new(operation, Defect.Malformed, "empty", []);
        yield return new(operation, Defect.Malformed, "null", Utf8("null"));
        yield return new(operation, Defect.Malformed, "NaN", Utf8($"{{\"{first.Key ?? "x"}\":NaN}}"));
        yield return new(operation, Defect.Malformed, "deep nesting", Utf8($"{{\"{first.Key ?? "x"}\":" + new string('[', 10_000) + new string(']', 10_000) + "}"));
        yield return new(operation, Defect.NotUtf8, "0xff in a name", [.. "{\""u8, 0xff, .. "\":1}"u8]);
        if (Strings(body).Select(s => s.Path).FirstOrDefault() is { } stringPath)
        {
            // The bytes go inside a string the endpoint reads, so the body has this one defect and no other.
            var parts = With(body, stringPath, $"\"a{Hole}b\"").Split(Hole);
            yield return new(operation, Defect.NotUtf8, $"bad sequence in {string.Join('.', stringPath)}", [.. Utf8(parts[0]), 0xc3, 0x28, .. Utf8(parts[1])]);
            yield return new(operation, Defect.NotUtf8, $"latin-1 in {string.Join('.', stringPath)}", Encoding.Latin1.GetBytes(With(body, stringPath, "\"Zürich\"")));
        }
        yield return new(operation, Defect.WrongMediaType, "text/plain", Utf8(text), "text/plain");
        yield return new(operation, Defect.WrongMediaType, "form", Utf8("a=b"), "application/x-www-form-urlencoded");
        yield return new(operation, Defect.UnknownField, "leading", Utf8("{\"hostileExtra\":1" + (body.Count > 0 ? "," : "") + text[1..]));
        yield return new(operation, Defect.UnknownField, "case-folded twin of nothing", Utf8("{\"__proto__\":{}" + (body.Count > 0 ? "," : "") + text[1..]));
        if (first.Key is { } firstName)
        {
            yield return new(operation, Defect.DuplicateField, firstName, Utf8($"{{\"{firstName}\":{first.Value?.ToJsonString() ?? "null"},{text[1..]}"));
            yield return new(operation, Defect.DuplicateField, $"{firstName}, other case", Utf8($"{{\"{char.ToUpperInvariant(firstName[0])}{firstName[1..]}\":{first.Value?.ToJsonString() ?? "null"},{text[1..]}"));
        }
        yield return new(operation, Defect.LargeBody, "just over 1 MiB", Oversized(body, 1024 * 1024 + 1));

        foreach (var (name, value) in body)
        {
            // A required field that takes null (a time left to default) may be refused or defaulted when left out.
            if (operation.Required.Contains(name) && !operation.Nullable.Contains(name))
            {
                yield return new(operation, Defect.MissingField, name, Utf8(Without(body, name)));
                yield return new(operation, Defect.NullField, name, Utf8(With(body, [name], "null")));
            }
            foreach (var wrong in WrongTypes(value))
            {
                yield return new(operation, Defect.WrongType, $"{name} = {wrong}", Utf8(With(body, [name], wrong)));
            }
            if (value is JsonValue number && number.GetValueKind() == System.Text.Json.JsonValueKind.Number)
            {
                yield return new(operation, Defect.NumberAsString, name, Utf8(With(body, [name], $"\"{number.ToJsonString()}\"")));
                yield return new(operation, Defect.WrongType, $"{name} = 1e400", Utf8(With(body, [name], "1e400")));
                yield return new(operation, Defect.AbsurdNumber, $"{name} = -1e300", Utf8(With(body, [name], "-1e300")));
            }
        }

        foreach (var (path, value) in Strings(body))
        {
            var field = string.Join('.', path);
            if (LooksLikeTime(value))
            {
                yield return new(operation, Defect.TimeWithoutOffset, field, Utf8(With(body, path, "\"2026-01-05T10:00:00\"")));
                yield return new(operation, Defect.WrongType, $"{field} offset +25:00", Utf8(With(body, path, "\"2026-01-05T10:00:00+25:00\"")));
                yield return new(operation, Defect.WrongType, $"{field} month 13", Utf8(With(body, path, "\"2026-13-45T25:61:00Z\"")));
                yield return new(operation, Defect.WrongType, $"{field} as a date", Utf8(With(body, path, "\"2026-01-05\"")));
                foreach (var absurd in new[] { "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2500-01-01T00:00:00-12:00" })
                {
                    yield return new(operation, Defect.AbsurdTime, $"{field} = {absurd}", Utf8(With(body, path, $"\"{absurd}\"")));
                }
            }
            else if (LooksLikeDate(value))
            {
                yield return new(operation, Defect.WrongType, $"{field} 2026-02-30", Utf8(With(body, path, "\"2026-02-30\"")));
                yield return new(operation, Defect.WrongType, $"{field} with a time", Utf8(With(body, path, "\"2026-01-05T00:00:00Z\"")));
                foreach (var absurd in new[] { "0001-01-01", "9999-12-31" })
                {
                    yield return new(operation, Defect.AbsurdTime, $"{field} = {absurd}", Utf8(With(body, path, $"\"{absurd}\"")));
                }
            }
            yield return new(operation, Defect.Nul, field, Utf8(With(body, path, Quoted(value, "\\u0000"))));
            yield return new(operation, Defect.LoneSurrogate, field, Utf8(With(body, path, Quoted(value, "\\ud800"))));
            yield return new(operation, Defect.Control, $"{field} BEL", Utf8(With(body, path, Quoted(value, "\\u0007"))));
            yield return new(operation, Defect.Control, $"{field} line break", Utf8(With(body, path, Quoted(value, "\\r\\n"))));
            yield return new(operation, Defect.Bidi, $"{field} U+202E", Utf8(With(body, path, Quoted(value, "\\u202e"))));
            yield return new(operation, Defect.ZeroWidth, $"{field} U+200B", Utf8(With(body, path, Quoted(value, "\\u200b"))));
            foreach (var injection in Injections)
            {
                yield return new(operation, Defect.Injection, $"{field} {injection}", Utf8(With(body, path, System.Text.Json.JsonSerializer.Serialize(injection))));
            }
            yield return new(operation, Defect.AbsurdNumber, $"{field} 100,000 characters", Utf8(With(body, path, $"\"{new string('a', 100_000)}\"")));
        }
    }

    /// <summary>A body over the limit: the operation's first field padded (or a padding field when it has none).</summary>
    public static byte[] Oversized(JsonObject body, int bytes)
    {
        var name = body.FirstOrDefault().Key ?? "padding";
        var text = new StringBuilder(bytes + 64).Append("{\"").Append(name).Append("\":\"").Append('a', bytes).Append("\"}");
        return Utf8(text.ToString());
    }

    private static IEnumerable<string> WrongTypes(JsonNode? value) => value?.GetValueKind() switch
    {
        System.Text.Json.JsonValueKind.String => ["12345", "{\"x\":1}"],
        System.Text.Json.JsonValueKind.Number => ["\"ten\"", "[1]"],
        System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => ["\"true\"", "1"],
        System.Text.Json.JsonValueKind.Array => ["\"x\"", "{}", "1"],
        System.Text.Json.JsonValueKind.Object => ["\"x\"", "[]", "1"],
        _ => [],
    };

    /// <summary>Every string in the body down to one level of nesting, with its path (property names and array indexes).</summary>
    private static IEnumerable<(object[] Path, string Value)> Strings(JsonObject body)
    {
        foreach (var (name, value) in body)
        {
            switch (value)
            {
                case JsonValue leaf when leaf.GetValueKind() == System.Text.Json.JsonValueKind.String:
                    yield return ([name], leaf.GetValue<string>());
                    break;
                case JsonArray { Count: > 0 } array when array[0] is JsonValue item && item.GetValueKind() == System.Text.Json.JsonValueKind.String:
                    yield return ([name, 0], item.GetValue<string>());
                    break;
                case JsonArray { Count: > 0 } array when array[0] is JsonObject nested:
                    foreach (var (inner, innerValue) in nested)
                    {
                        if (innerValue is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String)
                        {
                            yield return ([name, 0, inner], v.GetValue<string>());
                        }
                    }
                    break;
                case JsonObject nested:
                    foreach (var (inner, innerValue) in nested)
                    {
                        if (innerValue is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String)
                        {
                            yield return ([name, inner], v.GetValue<string>());
                        }
                    }
                    break;
            }
        }
    }

    private static bool LooksLikeTime(string value) => System.Text.RegularExpressions.Regex.IsMatch(value, @"^\d{4}-\d{2}-\d{2}T");

    private static bool LooksLikeDate(string value) => System.Text.RegularExpressions.Regex.IsMatch(value, @"^\d{4}-\d{2}-\d{2}$");

    /// <summary>The value with an escape sequence inserted after its first character, as a JSON string token written by hand.</summary>
    private static string Quoted(string value, string escape)
    {
        var inner = System.Text.Json.JsonSerializer.Serialize(value)[1..^1];
        var at = inner.Length > 0 && inner[0] != '\\' ? 1 : 0;
        return $"\"{inner[..at]}{escape}{inner[at..]}\"";
    }

    /// <summary>The body with the value at <paramref name="path"/> replaced by a raw JSON token.</summary>
    private static string With(JsonObject body, object[] path, string rawToken)
    {
        var copy = body.DeepClone().AsObject();
        JsonNode node = copy;
        for (var i = 0; i < path.Length - 1; i++)
        {
            node = path[i] is string name ? node[name]! : node[(int)path[i]]!;
        }
        if (path[^1] is string last) node[last] = Hole;
        else node[(int)path[^1]] = Hole;
        return copy.ToJsonString().Replace($"\"{Hole}\"", rawToken, StringComparison.Ordinal);
    }

    private static string Without(JsonObject body, string name)
    {
        var copy = body.DeepClone().AsObject();
        copy.Remove(name);
        return copy.ToJsonString();
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
