using System.Text.Json;
using ChipRegistry.Api.Problems;

namespace ChipRegistry.Api.Requests;

/// <summary>
/// Reads a JSON request body strictly: malformed JSON, duplicate, unknown and missing fields and wrong types each get
/// their own 400 problem code and name the offending path, before any command runs.
/// </summary>
public static class RequestJson
{
    public static async Task<T> ReadAsync<T>(HttpRequest request, JsonSerializerOptions options, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
        {
            throw new ApiProblemException(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type", "The request body must be JSON.", "Send Content-Type: application/json.");
        }
        // The contract walk below needs the resolver that serialization would otherwise add lazily.
        options.MakeReadOnly(populateMissingResolver: true);
        // Bodies here are small (the body limit bounds them), so they are read whole: System.Text.Json checks UTF-8
        // only when a string is decoded, and a body that is not UTF-8 must be refused before anything decodes it.
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        var bytes = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        if (!System.Text.Unicode.Utf8.IsValid(bytes.Span))
        {
            throw new ApiProblemException(StatusCodes.Status400BadRequest, "invalid_json", "The request body is not UTF-8.", "JSON bodies are UTF-8 (RFC 8259).");
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes);
        }
        catch (JsonException e)
        {
            throw new ApiProblemException(StatusCodes.Status400BadRequest, "malformed_json", "The request body is not valid JSON.", $"Line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}.");
        }
        using (document)
        {
            if (JsonText.FindUnstorable(document.RootElement) is { } unstorable)
            {
                throw new ApiProblemException(StatusCodes.Status400BadRequest, "invalid_character", "A string holds a character the registry does not store.",
                    $"At {unstorable.Path}: {unstorable.Reason}.");
            }
            if (DuplicateFields.FindFirst(document.RootElement, options) is { } duplicate)
            {
                throw new ApiProblemException(StatusCodes.Status400BadRequest, "duplicate_field", "The request names a field twice.", $"Duplicate field {duplicate}.");
            }
            if (ContractFields.FirstUnknown(document.RootElement, typeof(T), options) is { } unknown)
            {
                throw new ApiProblemException(StatusCodes.Status400BadRequest, "unknown_field", "The request has a field this endpoint does not accept.", $"Unknown field {unknown}.");
            }
            if (ContractFields.FirstMissing(document.RootElement, typeof(T), options) is { } missing)
            {
                throw new ApiProblemException(StatusCodes.Status400BadRequest, "missing_field", "A required field is missing.", $"Missing field {missing}.");
            }
            try
            {
                return document.RootElement.Deserialize<T>(options)
                    ?? throw new ApiProblemException(StatusCodes.Status400BadRequest, "malformed_json", "The request body is empty or null.");
            }
            catch (JsonException e)
            {
                throw new ApiProblemException(StatusCodes.Status400BadRequest, "wrong_type", "A field has the wrong type or is null where a value is required.", e.Path is { } path ? $"At {path}." : null);
            }
        }
    }
}
