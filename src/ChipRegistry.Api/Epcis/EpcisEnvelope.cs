using System.Text.Json;
using ChipRegistry.Api.Problems;
using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Gs1;
using ChipRegistry.EventStore;
using NodaTime;

namespace ChipRegistry.Api.Epcis;

/// <summary>
/// The members of an EPCIS document around its events, checked as strictly as any other request body and answered
/// with the registry's usual codes before any event is decided: GS1's schema names the members an EPCISDocument may
/// have (anything else is an extension, named by a prefix or URI, so a name without a colon is 400
/// <c>unknown_field</c>), which it requires and of which JSON type each is. The registry adds what it needs to read the
/// events at all: <c>@context</c> names one of GS1's EPCIS contexts (a context is never fetched, so one it does not
/// know by name cannot be honoured), and <c>creationDate</c> lies between 2000 and the clock's present.
/// </summary>
internal sealed class EpcisEnvelope(Instant latest)
{
    /// <summary>GS1's EPCIS 2.0 contexts, known by name.</summary>
    public static readonly IReadOnlySet<string> KnownContexts = new HashSet<string>(StringComparer.Ordinal)
    {
        "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
        "https://ref.gs1.org/standards/epcis/epcis-context.jsonld",
        "https://gs1.github.io/EPCIS/epcis-context.jsonld",
        "https://gs1.github.io/EPCIS/epcis-context-simple.jsonld",
    };

    /// <summary>
    /// The earliest creationDate taken. GS1's own samples are dated 2005; a document dated before 2000 carries a clock
    /// that was never set, and its events' times cannot be trusted to be checked against anything.
    /// </summary>
    public static readonly Instant EarliestCreation = Instant.FromUtc(2000, 1, 1, 0, 0);

    private static readonly string[] Required = ["@context", "type", "schemaVersion", "creationDate", "epcisBody"];

    private static readonly string[] Members = [.. Required, "id", "instanceIdentifier", "sender", "receiver", "epcisHeader"];

    private readonly HashSet<string> seen = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The prefixes the document's <c>@context</c> declares (<c>"example": "http://ns.example.com/epcis/"</c>).</summary>
    public Dictionary<string, string> Namespaces { get; } = new(StringComparer.Ordinal);

    /// <summary>The name the reader stands on, or 400 <c>invalid_character</c> when it is not text the registry stores.</summary>
    public static string NameText(ref Utf8JsonReader reader, string at)
    {
        string name;
        try
        {
            name = reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw InvalidCharacter(at, "a member name is not Unicode text (bytes that are not UTF-8, or a lone surrogate)");
        }
        return name.Contains('\0', StringComparison.Ordinal) ? throw InvalidCharacter(at, "U+0000 is not allowed") : name;
    }

    /// <summary>
    /// A member's name, refused when it twins one already read or is neither a member GS1 names nor an extension.
    /// Returns the name, or null for an extension (read past unchecked). Nothing is noted until <see cref="Taken"/>, as a
    /// member whose value is not all here yet is read again from its name.
    /// </summary>
    public string? Name(string name)
    {
        if (seen.Contains(name))
        {
            throw new ApiProblemException(StatusCodes.Status400BadRequest, "duplicate_field", "The request names a field twice.", $"Duplicate field $.{name}.");
        }
        if (Members.Contains(name, StringComparer.Ordinal))
        {
            return name;
        }
        return name.Contains(':', StringComparison.Ordinal)
            ? null
            : throw new ApiProblemException(StatusCodes.Status400BadRequest, "unknown_field", "The request has a field this endpoint does not accept.",
                $"Unknown field $.{name}: an EPCISDocument has {string.Join(", ", Members)}, and extensions named by a prefix or URI.");
    }

    /// <summary>The member has been read whole.</summary>
    public void Taken(string name) => seen.Add(name);

    /// <summary>A member's value, other than epcisBody (which is streamed), checked for its JSON type and what the registry needs of it.</summary>
    public void Check(string name, JsonElement value)
    {
        var path = $"$.{name}";
        if (JsonText.FindUnstorable(value, path) is { } unstorable)
        {
            throw InvalidCharacter(unstorable.Path, unstorable.Reason);
        }
        switch (name)
        {
            case "@context":
                Context(value);
                break;
            case "type":
                if (String(value, path) != "EPCISDocument")
                {
                    throw Invalid("Only an EPCISDocument is captured (type must be EPCISDocument).");
                }
                break;
            case "schemaVersion":
                if (!System.Text.RegularExpressions.Regex.IsMatch(String(value, path), @"^2(\.\d+)*$"))
                {
                    throw Invalid($"schemaVersion '{value.GetString()}' is not EPCIS 2 (2.0).");
                }
                break;
            case "creationDate":
                var parsed = RegistryTime.Request.Parse(String(value, path));
                if (!parsed.Success)
                {
                    throw WrongType(path, "An RFC 3339 time with Z or an offset, e.g. 2026-11-20T09:00:00Z.");
                }
                var created = parsed.Value.ToInstant();
                if (created < EarliestCreation || created > latest)
                {
                    throw Invalid($"creationDate {value.GetString()} is before 2000 or in the future: the sender's clock is wrong.");
                }
                break;
            case "epcisHeader":
                if (value.ValueKind != JsonValueKind.Object) throw WrongType(path, "epcisHeader is an object.");
                break;
            default:
                String(value, path);
                break;
        }
    }

    /// <summary>The first required member the document did not have, refused once the document has ended.</summary>
    public void Complete()
    {
        if (Required.FirstOrDefault(r => !seen.Contains(r)) is { } missing)
        {
            throw new ApiProblemException(StatusCodes.Status400BadRequest, "missing_field", "A required field is missing.",
                $"Missing field $.{missing}: an EPCISDocument has {string.Join(", ", Required)}.");
        }
    }

    private void Context(JsonElement value)
    {
        var entries = value.ValueKind switch
        {
            JsonValueKind.Array => value.EnumerateArray().ToArray(),
            JsonValueKind.String or JsonValueKind.Object => [value],
            _ => throw WrongType("$.@context", "@context is GS1's context URL, or an array of it and inline objects of prefixes."),
        };
        var namesGs1 = false;
        for (var i = 0; i < entries.Length; i++)
        {
            var entry = entries[i];
            if (entry.ValueKind == JsonValueKind.Object)
            {
                foreach (var prefix in entry.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String))
                {
                    Namespaces[prefix.Name] = prefix.Value.GetString()!;
                }
                continue;
            }
            var at = value.ValueKind == JsonValueKind.Array ? $"$.@context[{i}]" : "$.@context";
            if (entry.ValueKind != JsonValueKind.String || !Uri.TryCreate(entry.GetString(), UriKind.Absolute, out _))
            {
                throw WrongType(at, "a context is an absolute URL or an object of prefixes.");
            }
            if (!KnownContexts.Contains(entry.GetString()!))
            {
                throw Invalid($"{at}: '{entry.GetString()}' is a context the registry does not know, and it never fetches one; name GS1's EPCIS context and declare prefixes inline.");
            }
            namesGs1 = true;
        }
        if (!namesGs1)
        {
            throw WrongType("$.@context", $"@context names GS1's EPCIS context ({KnownContexts.First()}).");
        }
    }

    private static string String(JsonElement value, string path) =>
        value.ValueKind == JsonValueKind.String ? value.GetString()! : throw WrongType(path, "a string.");

    public static ApiProblemException WrongType(string path, string detail) =>
        new(StatusCodes.Status400BadRequest, "wrong_type", "A field has the wrong type or a required field is missing.", $"At {path}: {detail}");

    public static ApiProblemException InvalidCharacter(string path, string reason) =>
        new(StatusCodes.Status400BadRequest, "invalid_character", "A string holds a character the registry does not store.", $"At {path}: {reason}.");

    public static ApiProblemException Invalid(string detail) =>
        new(StatusCodes.Status400BadRequest, EpcisErrors.InvalidDocument, "The body is not an EPCIS 2.0 JSON document.", detail);
}
