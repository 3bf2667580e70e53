using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ChipRegistry.Cli.Import;

/// <summary>
/// <c>chipreg import --epcis FILE [--partial] [--batch-size N]</c> (an option of <see cref="ImportCommands"/>): streams
/// an EPCIS 2.0 document to the registry's capture endpoint as the key's organisation, N events per capture, each
/// capture a document of its own with the file's members around its events (<c>@context</c>, <c>creationDate</c>, ...).
/// The file is read twice (its members, then its events one at a time), so memory follows one capture, not the file.
/// Each capture is all or nothing unless <c>--partial</c> (GS1-Capture-Error-Behaviour: proceed); without it the import
/// stops at the first capture that fails, the captures before it recorded. Prints one summary of the captures, every
/// error's position counted in the file's own event list. Exit 0 when every event mapped, 1 when a capture reported
/// errors or the registry refused, 2 for bad usage, 3 when the registry cannot be reached.
/// </summary>
internal static class EpcisImportCommand
{
    public static async Task<int> RunAsync(string registry, string? key, FileInfo file, bool partial, int batchSize, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(key))
        {
            await Console.Error.WriteLineAsync("An API key is needed: --key or CHIPREGISTRY_KEY.");
            return 2;
        }
        if (!file.Exists)
        {
            await Console.Error.WriteLineAsync($"No such file: {file.FullName}");
            return 2;
        }
        if (batchSize < 1)
        {
            await Console.Error.WriteLineAsync("--batch-size is at least 1.");
            return 2;
        }
        if (!Uri.TryCreate(registry.TrimEnd('/') + "/", UriKind.Absolute, out var baseAddress) || baseAddress.Scheme is not ("http" or "https"))
        {
            await Console.Error.WriteLineAsync($"Not an http(s) URL: {registry}");
            return 2;
        }
        using var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromHours(1) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var summary = new Summary(partial ? "proceed" : "rollback");
        var clock = Stopwatch.StartNew();
        try
        {
            JsonObject envelope;
            await using (var first = file.OpenRead())
            {
                envelope = await new EpcisFileReader(first).EnvelopeAsync(cancellationToken);
            }
            await using var second = file.OpenRead();
            var batch = new List<byte[]>(Math.Min(batchSize, 10_000));
            var sent = 0;
            await foreach (var element in new EpcisFileReader(second).EventsAsync(cancellationToken))
            {
                batch.Add(element);
                if (batch.Count == batchSize)
                {
                    if (!await CaptureAsync(client, envelope, batch, sent, partial, summary, cancellationToken)) return await FinishAsync(summary, clock);
                    sent += batch.Count;
                    batch.Clear();
                }
            }
            // the last events, or an empty document's envelope: the registry judges it either way
            if (batch.Count > 0 || sent == 0)
            {
                await CaptureAsync(client, envelope, batch, sent, partial, summary, cancellationToken);
            }
            return await FinishAsync(summary, clock);
        }
        catch (EpcisFileException e)
        {
            await Console.Error.WriteLineAsync($"{file.FullName}: {e.Message}");
            summary.Success = false;
            return await FinishAsync(summary, clock);
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            await Console.Error.WriteLineAsync($"Cannot reach the registry API at {baseAddress}: {e.Message}");
            return ImportExitCodes.Unreachable;
        }
    }

    /// <summary>What the captures did together, in the capture job's own terms.</summary>
    private sealed class Summary(string errorBehaviour)
    {
        public string ErrorBehaviour { get; } = errorBehaviour;

        public bool Success { get; set; } = true;

        public int EventCount { get; set; }

        public int Applied { get; set; }

        public int AlreadyImported { get; set; }

        public List<string> Captures { get; } = [];

        public JsonArray Errors { get; } = [];

        /// <summary>Set when the import stopped before the end of the file: the first event not sent.</summary>
        public int? StoppedAtEvent { get; set; }
    }

    /// <summary>Posts one capture of <paramref name="events"/>, the file's events from <paramref name="first"/> on; false when the import stops here.</summary>
    private static async Task<bool> CaptureAsync(
        HttpClient client, JsonObject envelope, List<byte[]> events, int first, bool partial, Summary summary, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(Document(envelope, events));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/ld+json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/epcis/capture") { Content = content };
        request.Headers.TryAddWithoutValidation("GS1-Capture-Error-Behaviour", summary.ErrorBehaviour);
        using var posted = await client.SendAsync(request, cancellationToken);
        if (posted.StatusCode != System.Net.HttpStatusCode.Accepted || posted.Headers.Location is not { } location)
        {
            await Console.Error.WriteLineAsync($"{(int)posted.StatusCode} {posted.ReasonPhrase} (events {first} to {first + events.Count - 1})");
            await Console.Out.WriteLineAsync(await posted.Content.ReadAsStringAsync(cancellationToken));
            summary.Success = false;
            summary.StoppedAtEvent = first;
            return false;
        }
        // The capture job answers at its Location; the registry finishes it within the request, so one read suffices.
        using var job = JsonDocument.Parse(await client.GetStringAsync(location.OriginalString.TrimStart('/'), cancellationToken));
        var root = job.RootElement;
        summary.Captures.Add(root.GetProperty("captureId").GetString()!);
        summary.EventCount += root.GetProperty("eventCount").GetInt32();
        summary.Applied += root.GetProperty("applied").GetInt32();
        summary.AlreadyImported += root.GetProperty("alreadyImported").GetInt32();
        foreach (var error in root.GetProperty("errors").EnumerateArray())
        {
            var copy = JsonNode.Parse(error.GetRawText())!.AsObject();
            copy["position"] = InFile(error.GetProperty("position").GetString()!, first);
            summary.Errors.Add(copy);
        }
        if (root.GetProperty("success").GetBoolean())
        {
            return true;
        }
        summary.Success = false;
        if (partial)
        {
            return true;
        }
        summary.StoppedAtEvent = first + events.Count;
        return false;
    }

    /// <summary>A capture's position (<c>/epcisBody/eventList/3/epcList/1</c>) as the file's: the event's index moved by the capture's first.</summary>
    private static string InFile(string position, int first)
    {
        var parts = position.Split('/');
        if (parts.Length > 3 && parts[1] == "epcisBody" && parts[2] == "eventList" && int.TryParse(parts[3], CultureInfo.InvariantCulture, out var index))
        {
            parts[3] = (index + first).ToString(CultureInfo.InvariantCulture);
        }
        return string.Join('/', parts);
    }

    /// <summary>The file's members around the events, and these events as written.</summary>
    private static byte[] Document(JsonObject envelope, List<byte[]> events)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in envelope)
            {
                writer.WritePropertyName(name);
                if (value is null) writer.WriteNullValue();
                else value.WriteTo(writer);
            }
            writer.WritePropertyName("epcisBody");
            writer.WriteStartObject();
            writer.WritePropertyName("eventList");
            writer.WriteStartArray();
            foreach (var e in events)
            {
                writer.WriteRawValue(e, skipInputValidation: true);
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        return stream.ToArray();
    }

    private static async Task<int> FinishAsync(Summary summary, Stopwatch clock)
    {
        var seconds = clock.Elapsed.TotalSeconds;
        var printed = new JsonObject
        {
            ["errorBehaviour"] = summary.ErrorBehaviour,
            ["success"] = summary.Success,
            ["eventCount"] = summary.EventCount,
            ["applied"] = summary.Applied,
            ["alreadyImported"] = summary.AlreadyImported,
            ["captures"] = new JsonArray([.. summary.Captures.Select(c => (JsonNode)JsonValue.Create(c))]),
            ["stoppedAtEvent"] = summary.StoppedAtEvent,
            ["seconds"] = Math.Round(seconds, 2),
            ["eventsPerSecond"] = seconds > 0 ? Math.Round(summary.EventCount / seconds, 1) : 0,
            ["errors"] = summary.Errors,
        };
        await Console.Out.WriteLineAsync(printed.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return summary.Success ? 0 : 1;
    }
}
