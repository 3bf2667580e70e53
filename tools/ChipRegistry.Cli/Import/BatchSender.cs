using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ChipRegistry.Cli.Import;

/// <summary>The API could not be reached; the import stops with <see cref="ImportExitCodes.Unreachable"/>.</summary>
internal sealed class RegistryUnreachableException(string message, Exception inner) : Exception(message, inner);

/// <summary>
/// Sends import batches to <c>POST /api/v1/chip-batches/{act}</c>. Each batch goes under an Idempotency-Key derived from
/// its route and body, so running the same file again replays the kept answers instead of appending twice, and a
/// batch retried after a lost answer is safe. A refusal is told as the input row of the item the problem names.
/// </summary>
internal sealed partial class BatchSender(HttpClient client)
{
    public static HttpClient ClientFor(Uri api, string key)
    {
        var client = new HttpClient { BaseAddress = api, Timeout = TimeSpan.FromMinutes(5) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>Null when the batch was imported; else the failure, with the row and column the problem points at.</summary>
    public async Task<ImportFailure?> SendAsync(ImportBatch batch, Func<string, string?> columnOf, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/v1/chip-batches/{batch.Route}") { Content = new ByteArrayContent(batch.Body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("Idempotency-Key", KeyOf(batch));
        HttpResponseMessage response;
        string text;
        try
        {
            response = await client.SendAsync(request, cancellationToken);
            text = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new RegistryUnreachableException($"Cannot reach the registry API at {client.BaseAddress}: {e.Message}", e);
        }
        using (response)
        {
            return response.IsSuccessStatusCode ? null : Refusal(batch, (int)response.StatusCode, text, columnOf);
        }
    }

    /// <summary>The batch's key: the act and the exact body, hashed (the same rows give the same key on every run).</summary>
    public static string KeyOf(ImportBatch batch)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(System.Text.Encoding.UTF8.GetBytes(batch.Route + "\n"));
        hash.AppendData(batch.Body);
        return $"import-{Convert.ToHexStringLower(hash.GetHashAndReset())}";
    }

    private static ImportFailure Refusal(ImportBatch batch, int status, string text, Func<string, string?> columnOf)
    {
        string code = "http_error", detail = text.Length > 500 ? text[..500] : text;
        try
        {
            using var problem = JsonDocument.Parse(text);
            code = problem.RootElement.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString()! : code;
            detail = problem.RootElement.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString()!
                : problem.RootElement.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : detail;
        }
        catch (JsonException)
        {
            // Not the registry's problem document (a proxy's page): kept as it came.
        }
        long? row = null;
        string? column = null;
        if (ItemPath().Match(detail) is { Success: true } item && int.TryParse(item.Groups["index"].ValueSpan, out var index) && index < batch.Rows.Count)
        {
            row = batch.Rows[index];
            var field = item.Groups["field"].Success ? item.Groups["field"].Value
                : LeadingField().Match(detail[(item.Index + item.Length)..]) is { Success: true } lead ? lead.Groups["field"].Value : null;
            column = field is null ? null : columnOf(field);
        }
        return new ImportFailure(batch.Rows[0], batch.Rows[^1], row, column, status, code, detail);
    }

    /// <summary><c>$.items[3]</c> or <c>$.items[3].buyerId</c>, as the batch endpoints name an item.</summary>
    [GeneratedRegex(@"\$\.items\[(?<index>\d+)\](\.(?<field>[A-Za-z]+))?")]
    private static partial Regex ItemPath();

    /// <summary>After <c>$.items[3] (chip):</c> the detail of a field check starts with the field's name.</summary>
    [GeneratedRegex(@"^ \([^)]*\): (?<field>[A-Za-z]+)\b")]
    private static partial Regex LeadingField();
}
