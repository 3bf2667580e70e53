using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using ChipRegistry.Api.Problems;
using ChipRegistry.Api.Requests;

namespace ChipRegistry.Api.Chips.Batches;

/// <summary>
/// Reads a batch body, <c>{"items": [ {...}, {...} ]}</c>, as it arrives: the bytes of one item at a time are held,
/// checked by the same strict rules as a single act's body (unknown, duplicate and missing fields, wrong types,
/// characters the registry does not store) and turned into <typeparamref name="TItem"/>, every path naming the item's
/// position (<c>$.items[3].chipId</c>). More than <c>maxItems</c> items is 413 <c>batch_too_large</c> as soon as the
/// next item starts, without reading the rest. The items themselves are kept: a batch is decided all or nothing, so
/// the whole of it is needed before anything is appended, and its size is what the limit bounds.
/// </summary>
public sealed class BatchBodyReader<TItem>(PipeReader pipe, int maxItems, JsonSerializerOptions options)
{
    /// <summary>The most bytes one item (or any token, with the whitespace before it) may span; an item of any act is a few hundred bytes.</summary>
    public const int MaxItemBytes = StreamedJsonReader.MaxPendingBytes;

    private enum Phase { Start, Fields, ItemsValue, Items, End }

    private readonly StreamedJsonReader body = new(pipe, maxDepth: 64);
    private Phase phase = Phase.Start;
    private bool sawItems;
    private readonly List<TItem> items = [];

    /// <summary>Every item, in body order, once the whole body has been read and found well formed.</summary>
    public async Task<IReadOnlyList<TItem>> ReadAllAsync(CancellationToken cancellationToken)
    {
        options.MakeReadOnly(populateMissingResolver: true);
        while (true)
        {
            var complete = await body.ReadOnceAsync(Take, ItemTooLarge, cancellationToken);
            if (complete)
            {
                return phase == Phase.End ? items : throw Malformed("The body ended before the batch was complete.");
            }
        }
    }

    private ApiProblemException ItemTooLarge(long atByte) =>
        new(StatusCodes.Status400BadRequest, "batch_item_too_large", "An item of the batch is too large.",
            $"At byte {atByte}, $.items[{items.Count}]: an item runs past {MaxItemBytes / 1024} KiB.");

    /// <summary>An item is taken whole, once all its bytes are here; every other token moves the body's phase on.</summary>
    private StreamedToken Take(ref Utf8JsonReader reader, ReadOnlySequence<byte> buffer)
    {
        if (phase == Phase.Items && reader.TokenType == JsonTokenType.StartObject)
        {
            var start = reader.TokenStartIndex;
            var end = reader;
            if (!end.TrySkip())
            {
                return StreamedToken.Incomplete;
            }
            Add(buffer.Slice(start, end.BytesConsumed - start));
            reader = end;
            return StreamedToken.Next;
        }
        TakeStructure(ref reader);
        return StreamedToken.Next;
    }

    private void TakeStructure(ref Utf8JsonReader reader)
    {
        switch (phase)
        {
            case Phase.Start:
                phase = reader.TokenType == JsonTokenType.StartObject ? Phase.Fields
                    : reader.TokenType == JsonTokenType.Null ? throw Malformed("The body is null.")
                    : throw WrongType("$", "A batch is a JSON object with an items array.");
                break;
            case Phase.Fields:
                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    phase = sawItems ? Phase.End : throw new ApiProblemException(StatusCodes.Status400BadRequest, "missing_field", "A required field is missing.", "Missing field $.items.");
                    break;
                }
                var name = FieldName(ref reader);
                if (!string.Equals(name, "items", StringComparison.OrdinalIgnoreCase))
                {
                    throw new ApiProblemException(StatusCodes.Status400BadRequest, "unknown_field", "The request has a field this endpoint does not accept.", $"Unknown field $.{name}.");
                }
                if (sawItems)
                {
                    throw new ApiProblemException(StatusCodes.Status400BadRequest, "duplicate_field", "The request names a field twice.", "Duplicate field $.items.");
                }
                sawItems = true;
                phase = Phase.ItemsValue;
                break;
            case Phase.ItemsValue:
                phase = reader.TokenType == JsonTokenType.StartArray ? Phase.Items : throw WrongType("$.items", "items is an array of objects.");
                break;
            case Phase.Items:
                phase = reader.TokenType == JsonTokenType.EndArray ? Phase.Fields : throw WrongType($"$.items[{items.Count}]", "Each item is an object.");
                break;
            default:
                throw Malformed("Content after the batch.");
        }
    }

    /// <summary>One item's bytes, checked as strictly as a single act's body, its paths under <c>$.items[i]</c>.</summary>
    private void Add(ReadOnlySequence<byte> slice)
    {
        var index = items.Count;
        if (index >= maxItems)
        {
            throw new ApiProblemException(StatusCodes.Status413PayloadTooLarge, "batch_too_large", "The batch has too many items.",
                $"A batch holds at most {maxItems} items; split it into several requests.");
        }
        var at = $"$.items[{index}]";
        var bytes = slice.ToArray();
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            throw new ApiProblemException(StatusCodes.Status400BadRequest, "invalid_json", "The request body is not UTF-8.", $"At {at}: JSON bodies are UTF-8 (RFC 8259).");
        }
        using var document = JsonDocument.Parse(bytes);
        var item = document.RootElement;
        if (JsonText.FindUnstorable(item, at) is { } unstorable)
        {
            throw new ApiProblemException(StatusCodes.Status400BadRequest, "invalid_character", "A string holds a character the registry does not store.",
                $"At {unstorable.Path}: {unstorable.Reason}.");
        }
        if (DuplicateFields.FindFirst(item, options, at) is { } duplicate)
        {
            throw new ApiProblemException(StatusCodes.Status400BadRequest, "duplicate_field", "The request names a field twice.", $"Duplicate field {duplicate}.");
        }
        if (ContractFields.FirstUnknown(item, typeof(TItem), options) is { } unknown)
        {
            throw new ApiProblemException(StatusCodes.Status400BadRequest, "unknown_field", "The request has a field this endpoint does not accept.", $"Unknown field {Under(at, unknown)}.");
        }
        if (ContractFields.FirstMissing(item, typeof(TItem), options) is { } missing)
        {
            throw new ApiProblemException(StatusCodes.Status400BadRequest, "missing_field", "A required field is missing.", $"Missing field {Under(at, missing)}.");
        }
        try
        {
            items.Add(item.Deserialize<TItem>(options) ?? throw WrongType(at, "Each item is an object."));
        }
        catch (JsonException e)
        {
            throw new ApiProblemException(StatusCodes.Status400BadRequest, "wrong_type", "A field has the wrong type or is null where a value is required.",
                e.Path is { } path ? $"At {Under(at, path)}." : $"At {at}.");
        }
    }

    private static string Under(string at, string path) => path.StartsWith('$') ? at + path[1..] : $"{at}.{path}";

    private static string FieldName(ref Utf8JsonReader reader)
    {
        string name;
        try
        {
            name = reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw new ApiProblemException(StatusCodes.Status400BadRequest, "invalid_character", "A string holds a character the registry does not store.",
                "At $: a field name that is not Unicode text (bytes that are not UTF-8, or a lone surrogate).");
        }
        return name.Contains('\0', StringComparison.Ordinal)
            ? throw new ApiProblemException(StatusCodes.Status400BadRequest, "invalid_character", "A string holds a character the registry does not store.", "At $: U+0000 is not allowed.")
            : name;
    }

    private static ApiProblemException Malformed(string detail) =>
        new(StatusCodes.Status400BadRequest, "malformed_json", "The request body is not valid JSON.", detail);

    private static ApiProblemException WrongType(string path, string detail) =>
        new(StatusCodes.Status400BadRequest, "wrong_type", "A field has the wrong type or a required field is missing.", $"At {path}: {detail}");
}
