using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using ChipRegistry.Api.Problems;

namespace ChipRegistry.Api.Requests;

/// <summary>What a streamed body's reader does after a token: read on, wait for more of the body, or hand back to its caller.</summary>
public enum StreamedToken
{
    /// <summary>The token is taken; read the next.</summary>
    Next,

    /// <summary>The token starts a value not all here yet: parse again from its start when more of the body arrives.</summary>
    Incomplete,

    /// <summary>The token is taken and the caller wants what has been read so far before anything more is parsed.</summary>
    Pause,
}

/// <summary>Takes the token <paramref name="reader"/> stands on (and may move it past a value it reads whole from <paramref name="buffer"/>).</summary>
public delegate StreamedToken StreamedTokenHandler(ref Utf8JsonReader reader, ReadOnlySequence<byte> buffer);

/// <summary>
/// Reads a JSON body from a pipe as it arrives, one buffer at a time, handing each token to the body's own reader (a
/// batch's items, a lot's serials) so that no body is ever held whole. The reader state and the byte offset carry
/// from buffer to buffer; a syntax error is 400 <c>malformed_json</c> naming its byte.
/// </summary>
public sealed class StreamedJsonReader(PipeReader pipe, int maxDepth)
{
    /// <summary>
    /// The most bytes an incomplete value (a token, or a batch's item, with the whitespace before it) may span. It is
    /// parsed again from its start each time more of the body arrives, so without a bound one huge value would cost
    /// time quadratic in its length; every value the streamed bodies hold is a few hundred bytes.
    /// </summary>
    public const int MaxPendingBytes = 64 * 1024;

    private JsonReaderState state = new(new JsonReaderOptions { MaxDepth = maxDepth });

    /// <summary>Bytes of the body parsed so far.</summary>
    public long BodyOffset { get; private set; }

    /// <summary>
    /// Reads once from the pipe and parses as far as the bytes go (or until <paramref name="handler"/> pauses); true once
    /// the last of the body has been parsed. When more than <see cref="MaxPendingBytes"/> wait unparsed, the rest of the
    /// body is read unparsed, so a body over the endpoint's limit is answered 413 (counted by the stream beneath)
    /// before it is answered with <paramref name="tooLong"/>, which is given the byte the pending value starts at.
    /// </summary>
    public async Task<bool> ReadOnceAsync(StreamedTokenHandler handler, Func<long, ApiProblemException> tooLong, CancellationToken cancellationToken)
    {
        var read = await pipe.ReadAsync(cancellationToken);
        var buffer = read.Buffer;
        var (consumed, paused) = Parse(buffer, read.IsCompleted, handler);
        if (!paused && !read.IsCompleted && buffer.Slice(consumed).Length > MaxPendingBytes)
        {
            pipe.AdvanceTo(buffer.End);
            await DrainAsync(cancellationToken);
            throw tooLong(BodyOffset + 1);
        }
        pipe.AdvanceTo(consumed, paused ? consumed : buffer.End);
        return read.IsCompleted && !paused;
    }

    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var rest = await pipe.ReadAsync(cancellationToken);
            pipe.AdvanceTo(rest.Buffer.End);
            if (rest.IsCompleted)
            {
                return;
            }
        }
    }

    private (SequencePosition Consumed, bool Paused) Parse(ReadOnlySequence<byte> buffer, bool isFinal, StreamedTokenHandler handler)
    {
        var reader = new Utf8JsonReader(buffer, isFinal, state);
        var paused = false;
        try
        {
            while (true)
            {
                var before = reader;
                if (!reader.Read())
                {
                    break;
                }
                var taken = handler(ref reader, buffer);
                if (taken == StreamedToken.Incomplete)
                {
                    reader = before;
                    break;
                }
                if (taken == StreamedToken.Pause)
                {
                    paused = true;
                    break;
                }
            }
        }
        catch (JsonException e)
        {
            throw new ApiProblemException(StatusCodes.Status400BadRequest, "malformed_json", "The request body is not valid JSON.",
                $"At byte {BodyOffset + reader.BytesConsumed + 1}: {e.Message}");
        }
        BodyOffset += reader.BytesConsumed;
        state = reader.CurrentState;
        return (reader.Position, paused);
    }
}
