using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using NodaTime.Text;

namespace ChipRegistry.Api.Epcis;

/// <summary>
/// The CBV 2.0 event hash ID, <c>ni:///sha-256;{hex}?ver=CBV2.0</c>: the SHA-256 of an event's canonical pre-hash string,
/// the key of an event sent without an eventID. The pre-hash string (CBV 2.0, "EPCIS event hash ID"; GS1's reference
/// generator) is <c>eventType=</c> and the type, then each field present in the canonical order as <c>name=value</c>
/// (lists as the list's name followed by their sorted elements, a read point or location as <c>readPoint</c><c>id=...</c>,
/// a business transaction, source or destination as its value then <c>type=...</c>), then the extension fields with their
/// namespace expanded, sorted; no separators. Times are UTC with milliseconds and <c>Z</c>; CBV values given by their
/// short names are written as their URNs (<c>shipping</c> is <c>urn:epcglobal:cbv:bizstep:shipping</c>); eventID,
/// recordTime and errorDeclaration take no part. This is the form of the hash ids GS1's EPCIS 2.0 sample documents
/// carry (tests recompute them). Sensor reports are hashed generically (by name, sorted), not in the sensor order.
/// </summary>
public static class EpcisHashId
{
    private static readonly string[] EpcLists = ["epcList", "inputEPCList", "childEPCs"];
    private static readonly string[] QuantityLists = ["quantityList", "childQuantityList", "inputQuantityList"];
    private static readonly string[] Ignored = ["eventID", "recordTime", "type", "errorDeclaration", "@context"];

    private static readonly (string Field, string Urn, string Web)[] Vocabularies =
    [
        ("bizStep", "urn:epcglobal:cbv:bizstep:", "https://ref.gs1.org/cbv/BizStep-"),
        ("disposition", "urn:epcglobal:cbv:disp:", "https://ref.gs1.org/cbv/Disp-"),
        ("set", "urn:epcglobal:cbv:disp:", "https://ref.gs1.org/cbv/Disp-"),
        ("unset", "urn:epcglobal:cbv:disp:", "https://ref.gs1.org/cbv/Disp-"),
        ("bizTransactionType", "urn:epcglobal:cbv:btt:", "https://ref.gs1.org/cbv/BTT-"),
        ("sourceType", "urn:epcglobal:cbv:sdt:", "https://ref.gs1.org/cbv/SDT-"),
    ];

    public static string Compute(JsonElement e, IReadOnlyDictionary<string, string>? namespaces = null)
    {
        var prehash = PreHash(e, namespaces ?? new Dictionary<string, string>());
        return $"ni:///sha-256;{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(prehash)))}?ver=CBV2.0";
    }

    public static string PreHash(JsonElement e, IReadOnlyDictionary<string, string> namespaces)
    {
        ArgumentNullException.ThrowIfNull(namespaces);
        var text = new StringBuilder("eventType=").Append(Str(e, "type"));
        var done = new HashSet<string>(Ignored, StringComparer.Ordinal);
        void Scalar(string name, string? vocabulary = null)
        {
            done.Add(name);
            if (Str(e, name) is { Length: > 0 } value) text.Append(name).Append('=').Append(Canonical(name, value.Trim(), vocabulary));
        }
        void Epcs(string name)
        {
            done.Add(name);
            var values = Array(e, name).Select(v => "epc=" + Value(v).Trim()).Where(v => v.Length > 4).Order(StringComparer.Ordinal).ToList();
            if (values.Count > 0) text.Append(name).AppendJoin("", values);
        }
        void Quantities(string name)
        {
            done.Add(name);
            var values = Array(e, name).Select(q => "quantityElement" + Field(q, "epcClass") + Field(q, "quantity") + Field(q, "uom"))
                .Where(v => v.Length > "quantityElement".Length).Order(StringComparer.Ordinal).ToList();
            if (values.Count > 0) text.Append(name).AppendJoin("", values);
        }
        void Place(string name)
        {
            done.Add(name);
            if (e.TryGetProperty(name, out var place) && place.ValueKind == JsonValueKind.Object && Str(place, "id") is { Length: > 0 } id)
            {
                text.Append(name).Append("id=").Append(id.Trim());
            }
        }
        void Typed(string list, string valueName, string typeVocabulary)
        {
            done.Add(list);
            var values = Array(e, list)
                .Select(t => $"{valueName}={Str(t, valueName)?.Trim()}" + (Str(t, "type") is { Length: > 0 } type ? "type=" + Canonical(typeVocabulary, type.Trim(), typeVocabulary) : ""))
                .Order(StringComparer.Ordinal).ToList();
            if (values.Count > 0) text.Append(list).AppendJoin("", values);
        }

        Scalar("eventTime");
        Scalar("eventTimeZoneOffset");
        Scalar("certificationInfo");
        Scalar("parentID");
        foreach (var list in EpcLists.Take(3)) Epcs(list);
        foreach (var list in QuantityLists) Quantities(list);
        Epcs("outputEPCList");
        Quantities("outputQuantityList");
        Scalar("action");
        Scalar("transformationID");
        Scalar("bizStep", "bizStep");
        Scalar("disposition", "disposition");
        done.Add("persistentDisposition");
        if (e.TryGetProperty("persistentDisposition", out var persistent) && persistent.ValueKind == JsonValueKind.Object)
        {
            var values = new[] { "set", "unset" }
                .SelectMany(name => Array(persistent, name).Select(v => $"{name}={Canonical(name, Value(v).Trim(), name)}").Order(StringComparer.Ordinal))
                .ToList();
            if (values.Count > 0) text.Append("persistentDisposition").AppendJoin("", values);
        }
        Place("readPoint");
        Place("bizLocation");
        Typed("bizTransactionList", "bizTransaction", "bizTransactionType");
        Typed("sourceList", "source", "sourceType");
        Typed("destinationList", "destination", "sourceType");

        var rest = e.EnumerateObject().Where(p => !done.Contains(p.Name))
            .SelectMany(p => Generic(Expand(p.Name, namespaces), p.Value, namespaces))
            .Order(StringComparer.Ordinal);
        return text.AppendJoin("", rest).ToString();
    }

    /// <summary>An element the canonical order does not name: <c>name=value</c>, or the name and its sorted children.</summary>
    private static IEnumerable<string> Generic(string name, JsonElement value, IReadOnlyDictionary<string, string> namespaces) => value.ValueKind switch
    {
        JsonValueKind.Array => value.EnumerateArray().SelectMany(v => Generic(name, v, namespaces)),
        JsonValueKind.Object => [name + string.Concat(value.EnumerateObject().SelectMany(p => Generic(Expand(p.Name, namespaces), p.Value, namespaces)).Order(StringComparer.Ordinal))],
        JsonValueKind.Null => [name],
        _ => [Value(value).Trim() is { Length: > 0 } text ? $"{name}={Canonical(name, text, null)}" : name],
    };

    private static string Expand(string name, IReadOnlyDictionary<string, string> namespaces)
    {
        var colon = name.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && namespaces.TryGetValue(name[..colon], out var uri) ? uri + name[(colon + 1)..] : name;
    }

    private static string Field(JsonElement e, string name) =>
        e.TryGetProperty(name, out var value) && Value(value).Trim() is { Length: > 0 } text ? $"{name}={Canonical(name, text, null)}" : "";

    private static string Canonical(string name, string value, string? vocabulary)
    {
        if (name.Contains("time", StringComparison.OrdinalIgnoreCase) && !name.Contains("offset", StringComparison.OrdinalIgnoreCase)
            && OffsetDateTimePattern.Rfc3339.Parse(value) is { Success: true } time)
        {
            // UTC, milliseconds (the fourth decimal rounds), Z
            var instant = time.Value.ToInstant();
            var ticks = instant.ToUnixTimeTicks();
            var rounded = NodaTime.Instant.FromUnixTimeTicks((ticks + 5_000) / 10_000 * 10_000);
            return InstantPattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm':'ss'.'fff'Z'").Format(rounded);
        }
        if (vocabulary is not null && Vocabularies.FirstOrDefault(v => v.Field == vocabulary) is { Urn: not null } cbv)
        {
            if (value.StartsWith(cbv.Web, StringComparison.Ordinal)) return cbv.Urn + value[cbv.Web.Length..];
            if (!value.Contains(':', StringComparison.Ordinal)) return cbv.Urn + value;
        }
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && !value.Contains(':', StringComparison.Ordinal))
        {
            return number == Math.Floor(number) && Math.Abs(number) < 1e15
                ? ((long)number).ToString(CultureInfo.InvariantCulture)
                : number.ToString("R", CultureInfo.InvariantCulture);
        }
        return value;
    }

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? Value(value) : null;

    private static string Value(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => value.GetRawText(),
    };

    private static JsonElement[] Array(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array ? [.. value.EnumerateArray()] : [];
}
