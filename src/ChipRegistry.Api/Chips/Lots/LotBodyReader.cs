using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text.Json;
using ChipRegistry.Api.Problems;
using ChipRegistry.Api.Requests;
using ChipRegistry.EventStore;

namespace ChipRegistry.Api.Chips.Lots;

/// <summary>The fields of a lot request that come before its serials.</summary>
public sealed record LotHeader(string LotId, string ModelId, string Country, NodaTime.OffsetDateTime? FabricatedAt);

/// <summary>
/// Reads a lot request body as it arrives, never holding its serials: <see cref="ReadHeaderAsync"/> reads the scalar
/// fields up to <c>"serials": [</c>, then <see cref="SerialsAsync"/> yields the serials one by one and, after the
/// array, insists on the end of the object and of the body, so a malformed tail fails the lot before it commits.
/// The scalar fields must come before <c>serials</c> (a lot is decided chip by chip as the serials stream past, so
/// the lot, model and country must be known first); a scalar after the serials is 400 <c>field_order</c>. A string
/// that is not storable text (U+0000, a lone surrogate, bytes that are not UTF-8) is 400 <c>invalid_character</c>
/// naming its path, as for every other JSON body (the bulk path never builds a document to check).
/// </summary>
public sealed class LotBodyReader(PipeReader pipe)
{
    private static readonly string[] Scalars = ["lotId", "modelId", "country", "fabricatedAt"];

    private enum Phase { Start, Fields, FieldValue, Serials, AfterSerials, End }

    private readonly StreamedJsonReader body = new(pipe, maxDepth: 4);
    private Phase phase = Phase.Start;
    private string? pendingField;
    private int serialIndex;
    private readonly Dictionary<string, string> fields = new(StringComparer.Ordinal);

    public async Task<LotHeader> ReadHeaderAsync(CancellationToken cancellationToken)
    {
        await PumpAsync(null, untilSerials: true, cancellationToken);
        if (phase != Phase.Serials)
        {
            throw Missing("$.serials", "The serials array is required.");
        }
        foreach (var required in Scalars[..3])
        {
            if (!fields.ContainsKey(required))
            {
                throw Missing($"$.{required}", $"{required} is required and comes before serials.");
            }
        }
        NodaTime.OffsetDateTime? fabricatedAt = null;
        if (fields.TryGetValue("fabricatedAt", out var time))
        {
            var parsed = RegistryTime.Request.Parse(time);
            fabricatedAt = parsed.Success ? parsed.Value : throw WrongType("$.fabricatedAt", "An RFC 3339 time with Z or an offset, e.g. 2026-11-20T09:00:00Z.");
        }
        return new LotHeader(fields["lotId"], fields["modelId"], fields["country"], fabricatedAt);
    }

    /// <summary>The serials in body order; completes only once the whole body has been read and found well formed.</summary>
    public async IAsyncEnumerable<string> SerialsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (phase != Phase.Serials)
        {
            throw new InvalidOperationException("Read the header first.");
        }
        var batch = new List<string>();
        while (true)
        {
            var done = await PumpAsync(batch, untilSerials: false, cancellationToken);
            foreach (var serial in batch)
            {
                yield return serial;
            }
            batch.Clear();
            if (done)
            {
                yield break;
            }
        }
    }

    /// <summary>Reads one buffer from the pipe and parses as far as it goes; true once the body is complete.</summary>
    private async Task<bool> PumpAsync(List<string>? serials, bool untilSerials, CancellationToken cancellationToken)
    {
        while (true)
        {
            var complete = await body.ReadOnceAsync((ref Utf8JsonReader reader, ReadOnlySequence<byte> _) =>
            {
                Take(ref reader, serials);
                // The header stops at "serials": [ so that the caller can decide on the lot before any serial is read.
                return untilSerials && phase == Phase.Serials ? StreamedToken.Pause : StreamedToken.Next;
            }, TokenTooLong, cancellationToken);
            // A final block that parsed without error holds nothing after the object but whitespace.
            if (phase == Phase.End && complete)
            {
                return true;
            }
            if (untilSerials && phase == Phase.Serials)
            {
                return false;
            }
            if (serials is { Count: > 0 })
            {
                return false;
            }
            if (complete && phase != Phase.End)
            {
                // The parse threw for any incomplete document; reaching here means nothing was left to read.
                throw Malformed("The body ended before the lot was complete.");
            }
        }
    }

    private static ApiProblemException TokenTooLong(long atByte) =>
        Malformed($"At byte {atByte}: a token, or the whitespace before it, runs past {StreamedJsonReader.MaxPendingBytes / 1024} KiB.");

    private void Take(ref Utf8JsonReader reader, List<string>? serials)
    {
        switch (phase)
        {
            case Phase.Start:
                phase = reader.TokenType == JsonTokenType.StartObject ? Phase.Fields
                    : reader.TokenType == JsonTokenType.Null ? throw Malformed("The body is null.")
                    : throw WrongType("$", "A lot is a JSON object.");
                break;
            case Phase.Fields:
                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    throw Missing("$.serials", "The serials array is required.");
                }
                var name = Known(Storable(ref reader, "$"));
                if (fields.ContainsKey(name))
                {
                    throw new ApiProblemException(StatusCodes.Status400BadRequest, "duplicate_field", "A field is given twice.", $"$.{name}");
                }
                pendingField = name;
                phase = Phase.FieldValue;
                break;
            case Phase.FieldValue:
                if (pendingField == "serials")
                {
                    phase = reader.TokenType == JsonTokenType.StartArray ? Phase.Serials : throw WrongType("$.serials", "serials is an array of strings.");
                }
                else if (pendingField == "fabricatedAt" && reader.TokenType == JsonTokenType.Null)
                {
                    // optional: null is the same as absent (now)
                    phase = Phase.Fields;
                }
                else
                {
                    fields[pendingField!] = reader.TokenType == JsonTokenType.String ? Storable(ref reader, $"$.{pendingField}") : throw WrongType($"$.{pendingField}", $"{pendingField} is a string.");
                    phase = Phase.Fields;
                }
                break;
            case Phase.Serials:
                if (reader.TokenType == JsonTokenType.EndArray)
                {
                    phase = Phase.AfterSerials;
                    break;
                }
                if (reader.TokenType != JsonTokenType.String)
                {
                    throw WrongType($"$.serials[{serialIndex}]", "Each serial is a string.");
                }
                serials!.Add(Storable(ref reader, $"$.serials[{serialIndex}]"));
                serialIndex++;
                break;
            case Phase.AfterSerials:
                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    phase = Phase.End;
                    break;
                }
                var after = Known(Storable(ref reader, "$"));
                throw new ApiProblemException(StatusCodes.Status400BadRequest, "field_order", "Every field of a lot comes before its serials.",
                    $"$.{after} follows $.serials; send lotId, modelId, country and fabricatedAt first.");
            default:
                throw Malformed("Content after the lot.");
        }
    }

    /// <summary>The declared name of a field (web naming, matched case-insensitively as everywhere in the API), or 400 <c>unknown_field</c>.</summary>
    private static string Known(string name)
    {
        if (string.Equals(name, "serials", StringComparison.OrdinalIgnoreCase))
        {
            return "serials";
        }
        return Scalars.FirstOrDefault(s => string.Equals(s, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new ApiProblemException(StatusCodes.Status400BadRequest, "unknown_field", "The request has a field this endpoint does not accept.", $"Unknown field $.{name}.");
    }

    /// <summary>The current string token, or 400 <c>invalid_character</c> at <paramref name="path"/> if the registry cannot store it.</summary>
    private static string Storable(ref Utf8JsonReader reader, string path)
    {
        string value;
        try
        {
            value = reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw InvalidCharacter(path, "not Unicode text (bytes that are not UTF-8, or a lone surrogate)");
        }
        return value.Contains('\0', StringComparison.Ordinal) ? throw InvalidCharacter(path, "U+0000 is not allowed") : value;
    }

    private static ApiProblemException InvalidCharacter(string path, string reason) =>
        new(StatusCodes.Status400BadRequest, "invalid_character", "A string holds a character the registry does not store.", $"At {path}: {reason}.");

    private static ApiProblemException Malformed(string detail) =>
        new(StatusCodes.Status400BadRequest, "malformed_json", "The request body is not valid JSON.", detail);

    private static ApiProblemException Missing(string path, string detail) =>
        new(StatusCodes.Status400BadRequest, "missing_field", "A required field is missing.", $"Missing field {path}: {detail}");

    private static ApiProblemException WrongType(string path, string detail) =>
        new(StatusCodes.Status400BadRequest, "wrong_type", "A field has the wrong type or a required field is missing.", $"At {path}: {detail}");
}
