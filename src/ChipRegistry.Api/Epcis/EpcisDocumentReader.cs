using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using ChipRegistry.Api.Problems;
using ChipRegistry.Api.Requests;

namespace ChipRegistry.Api.Epcis;

/// <summary>One event of a document's <c>epcisBody.eventList</c>, parsed on its own, with its index in the list.</summary>
public sealed record EpcisEventElement(int Index, JsonDocument Json) : IDisposable
{
    public string Position => $"/epcisBody/eventList/{Index}";

    public void Dispose() => Json.Dispose();
}


/// <summary>
/// Reads an EPCIS 2.0 JSON or JSON-LD document as it arrives and yields its events one at a time, each parsed into its
/// own <see cref="JsonDocument"/>: the buffer holds the event being read, never the document, so memory follows the
/// largest event. The members around the events are checked as <see cref="EpcisEnvelope"/> says; <c>@context</c> is
/// never fetched. A body that is not JSON is 400 <c>malformed_json</c>, an event that holds a string the registry cannot
/// store 400 <c>invalid_character</c> naming its position, as for every other body.
/// </summary>
public sealed class EpcisDocumentReader(Stream body, NodaTime.Instant latestCreation)
{
    private const int InitialBuffer = 64 * 1024;

    private enum Phase { Start, Document, Body, Events, Done }

    private byte[] buffer = ArrayPool<byte>.Shared.Rent(InitialBuffer);
    private int start;
    private int end;
    private bool final;
    private JsonReaderState state = new(new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 64 });
    private Phase phase = Phase.Start;
    private int index;
    private bool sawEventList;
    private readonly EpcisEnvelope envelope = new(latestCreation);

    /// <summary>The prefixes the document's <c>@context</c> declares (<c>"example": "http://ns.example.com/epcis/"</c>), read by name, never fetched.</summary>
    public Dictionary<string, string> Namespaces => envelope.Namespaces;

    /// <summary>The bytes the reader holds room for now: what bounds its memory, whatever the document's size.</summary>
    internal int BufferLength => buffer.Length;

    public async IAsyncEnumerable<EpcisEventElement> EventsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        try
        {
            var ready = new List<EpcisEventElement>();
            while (phase != Phase.Done)
            {
                if (!final && (start == end || ready.Count == 0))
                {
                    await FillAsync(cancellationToken);
                }
                var progressed = Advance(ready);
                foreach (var element in ready)
                {
                    yield return element;
                }
                ready.Clear();
                if (!progressed && final && phase != Phase.Done)
                {
                    throw Malformed(phase == Phase.Start && start == end ? "The body is empty." : "The document ended before it was complete.");
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = [];
        }
    }

    /// <summary>A body that is not JSON is refused whole: 400, nothing read on.</summary>
    private static ApiProblemException Malformed(string detail) =>
        new(StatusCodes.Status400BadRequest, "malformed_json", "The request body is not valid JSON.", detail);

    private async Task FillAsync(CancellationToken cancellationToken)
    {
        if (start > 0)
        {
            Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
        }
        if (end == buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
            Buffer.BlockCopy(buffer, 0, larger, 0, end);
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = larger;
        }
        var read = await body.ReadAsync(buffer.AsMemory(end), cancellationToken);
        end += read;
        final = read == 0;
    }

    /// <summary>Parses as far as the buffer goes; true if anything was consumed.</summary>
    private bool Advance(List<EpcisEventElement> ready)
    {
        var reader = new Utf8JsonReader(buffer.AsSpan(start, end - start), final, state);
        var consumed = 0L;
        try
        {
            while (phase != Phase.Done)
            {
                var checkpoint = reader.CurrentState;
                var before = reader.BytesConsumed;
                if (!Step(ref reader, ready))
                {
                    // incomplete: resume from the token where this step began once more bytes arrive
                    state = checkpoint;
                    consumed = before;
                    break;
                }
                consumed = reader.BytesConsumed;
                state = reader.CurrentState;
            }
        }
        catch (JsonException e)
        {
            throw Malformed($"The document is not well-formed JSON: {e.Message}");
        }
        start += (int)consumed;
        return consumed > 0;
    }

    /// <summary>One token (or one skipped value, or one whole event); false when the buffer ends first.</summary>
    private bool Step(ref Utf8JsonReader reader, List<EpcisEventElement> ready)
    {
        switch (phase)
        {
            case Phase.Start:
                if (!reader.Read()) return false;
                phase = reader.TokenType == JsonTokenType.StartObject ? Phase.Document
                    : reader.TokenType == JsonTokenType.Null ? throw Malformed("The body is null.")
                    : throw EpcisEnvelope.WrongType("$", "An EPCIS document is a JSON object.");
                return true;
            case Phase.Document:
                if (!reader.Read()) return false;
                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    envelope.Complete();
                    phase = Phase.Done;
                    return true;
                }
                var raw = EpcisEnvelope.NameText(ref reader, "$");
                if (!reader.Read()) return false;
                var member = envelope.Name(raw);
                if (member == "epcisBody")
                {
                    if (reader.TokenType != JsonTokenType.StartObject) throw EpcisEnvelope.WrongType("$.epcisBody", "epcisBody is an object holding eventList.");
                    envelope.Taken(raw);
                    phase = Phase.Body;
                    return true;
                }
                if (member is null)
                {
                    if (!reader.TrySkip()) return false;
                }
                else
                {
                    if (!JsonDocument.TryParseValue(ref reader, out var value)) return false;
                    using (value)
                    {
                        envelope.Check(member, value.RootElement);
                    }
                }
                envelope.Taken(raw);
                return true;
            case Phase.Body:
                if (!reader.Read()) return false;
                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    phase = sawEventList ? Phase.Document
                        : throw new ApiProblemException(StatusCodes.Status400BadRequest, "missing_field", "A required field is missing.", "Missing field $.epcisBody.eventList.");
                    return true;
                }
                var name = EpcisEnvelope.NameText(ref reader, "$.epcisBody");
                if (!reader.Read()) return false;
                if (name == "eventList")
                {
                    if (sawEventList) throw new ApiProblemException(StatusCodes.Status400BadRequest, "duplicate_field", "The request names a field twice.", "Duplicate field $.epcisBody.eventList.");
                    if (reader.TokenType != JsonTokenType.StartArray) throw EpcisEnvelope.WrongType("$.epcisBody.eventList", "eventList is an array of events.");
                    sawEventList = true;
                    phase = Phase.Events;
                    return true;
                }
                return reader.TrySkip();
            case Phase.Events:
                if (!reader.Read()) return false;
                if (reader.TokenType == JsonTokenType.EndArray)
                {
                    phase = Phase.Body;
                    return true;
                }
                // positioned on the event's first token: the whole value is parsed, or nothing (and this step is retried)
                if (!JsonDocument.TryParseValue(ref reader, out var document)) return false;
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    document.Dispose();
                    throw EpcisEnvelope.WrongType($"$.epcisBody.eventList[{index}]", "an event is a JSON object.");
                }
                if (JsonText.FindUnstorable(document.RootElement, $"$.epcisBody.eventList[{index}]") is { } unstorable)
                {
                    document.Dispose();
                    throw EpcisEnvelope.InvalidCharacter(unstorable.Path, unstorable.Reason);
                }
                ready.Add(new EpcisEventElement(index++, document));
                return true;
            default:
                return true;
        }
    }
}
