using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ChipRegistry.Cli.Import;

/// <summary>An EPCIS document the CLI cannot read as one (not JSON, not an object, no epcisBody.eventList).</summary>
internal sealed class EpcisFileException(string message) : Exception(message);

/// <summary>
/// Reads an EPCIS 2.0 document from a file as a <see cref="Utf8JsonReader"/> over a growing buffer, never holding the
/// document: <see cref="EnvelopeAsync"/> reads the members around the events (skipping the event list as it passes),
/// <see cref="EventsAsync"/> yields each event of <c>epcisBody.eventList</c> as its own bytes. The buffer holds the
/// largest single value being read, so memory follows the largest event, not the document's size. The envelope may
/// come after the events (GS1's own samples put <c>@context</c> last), so an import reads the file twice.
/// </summary>
internal sealed class EpcisFileReader(Stream file)
{
    private const int InitialBuffer = 64 * 1024;

    private enum Phase { Start, Document, Body, Events, Done }

    private byte[] buffer = [];
    private int start;
    private int end;
    private bool final;
    private long offset;
    private JsonReaderState state = new(new JsonReaderOptions { MaxDepth = 64 });
    private Phase phase = Phase.Start;
    private bool sawEventList;

    /// <summary>Bytes of the file read so far.</summary>
    public long BytesRead => offset + end;

    /// <summary>The bytes the reader holds room for now: what bounds its memory, whatever the file's size.</summary>
    internal int BufferLength => buffer.Length;

    /// <summary>Every member of the document but <c>epcisBody</c>, as written.</summary>
    public async Task<JsonObject> EnvelopeAsync(CancellationToken cancellationToken)
    {
        var envelope = new JsonObject();
        await foreach (var _ in WalkAsync(envelope, cancellationToken))
        {
        }
        return envelope;
    }

    /// <summary>The events in document order, each the bytes of one JSON value.</summary>
    public IAsyncEnumerable<byte[]> EventsAsync(CancellationToken cancellationToken) => WalkAsync(null, cancellationToken);

    private async IAsyncEnumerable<byte[]> WalkAsync(JsonObject? envelope, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        buffer = ArrayPool<byte>.Shared.Rent(InitialBuffer);
        try
        {
            var ready = new List<byte[]>();
            while (phase != Phase.Done)
            {
                if (!final && (start == end || ready.Count == 0))
                {
                    await FillAsync(cancellationToken);
                }
                var progressed = Advance(envelope, ready);
                foreach (var value in ready)
                {
                    yield return value;
                }
                ready.Clear();
                if (!progressed && final && phase != Phase.Done)
                {
                    throw new EpcisFileException($"The document ends at byte {BytesRead} before it is complete.");
                }
            }
            if (!sawEventList)
            {
                throw new EpcisFileException("An EPCIS document carries its events in epcisBody.eventList; this one has none.");
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = [];
        }
    }

    private async Task FillAsync(CancellationToken cancellationToken)
    {
        if (start > 0)
        {
            Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
            end -= start;
            offset += start;
            start = 0;
        }
        if (end == buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
            Buffer.BlockCopy(buffer, 0, larger, 0, end);
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = larger;
        }
        var read = await file.ReadAsync(buffer.AsMemory(end), cancellationToken);
        end += read;
        final = read == 0;
    }

    /// <summary>Parses as far as the buffer goes; true if anything was consumed.</summary>
    private bool Advance(JsonObject? envelope, List<byte[]> ready)
    {
        var reader = new Utf8JsonReader(buffer.AsSpan(start, end - start), final, state);
        var consumed = 0L;
        try
        {
            while (phase != Phase.Done)
            {
                var checkpoint = reader.CurrentState;
                var before = reader.BytesConsumed;
                if (!Step(ref reader, envelope, ready))
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
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new EpcisFileException($"The document is not well-formed JSON near byte {offset + start + reader.BytesConsumed}: {e.Message}");
        }
        start += (int)consumed;
        return consumed > 0;
    }

    /// <summary>One token, or one whole value; false when the buffer ends first.</summary>
    private bool Step(ref Utf8JsonReader reader, JsonObject? envelope, List<byte[]> ready)
    {
        switch (phase)
        {
            case Phase.Start:
                if (!reader.Read()) return false;
                phase = reader.TokenType == JsonTokenType.StartObject ? Phase.Document : throw new EpcisFileException("An EPCIS document is a JSON object.");
                return true;
            case Phase.Document:
            case Phase.Body:
                if (!reader.Read()) return false;
                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    phase = phase == Phase.Body ? Phase.Document : Phase.Done;
                    return true;
                }
                var name = reader.GetString()!;
                if (!reader.Read()) return false;
                if (phase == Phase.Document && name == "epcisBody" && reader.TokenType == JsonTokenType.StartObject)
                {
                    phase = Phase.Body;
                    return true;
                }
                if (phase == Phase.Body && name == "eventList" && reader.TokenType == JsonTokenType.StartArray)
                {
                    sawEventList = true;
                    phase = Phase.Events;
                    return true;
                }
                var valueStart = reader.TokenStartIndex;
                if (!reader.TrySkip()) return false;
                if (phase == Phase.Document && envelope is not null)
                {
                    if (envelope.ContainsKey(name)) throw new EpcisFileException($"The document names $.{name} twice.");
                    // a member the registry checks (its answer names it), copied as written
                    envelope[name] = JsonNode.Parse(buffer.AsSpan(start + (int)valueStart, (int)(reader.BytesConsumed - valueStart)));
                }
                return true;
            case Phase.Events:
                if (!reader.Read()) return false;
                if (reader.TokenType == JsonTokenType.EndArray)
                {
                    phase = Phase.Body;
                    return true;
                }
                var eventStart = reader.TokenStartIndex;
                if (!reader.TrySkip()) return false;
                if (envelope is null)
                {
                    ready.Add(buffer.AsSpan(start + (int)eventStart, (int)(reader.BytesConsumed - eventStart)).ToArray());
                }
                return true;
            default:
                return true;
        }
    }
}
