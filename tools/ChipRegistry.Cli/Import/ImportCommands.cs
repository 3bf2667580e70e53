using System.CommandLine;
using ChipRegistry.Cli.Import.Csv;

namespace ChipRegistry.Cli.Import;

/// <summary>
/// <c>chipreg import --csv FILE --api URL --key KEY</c>: chip events from a file, sent to the registry as batch acts
/// over HTTP (the key's organisation is the actor of every row), all or nothing per batch. Exit codes:
/// <see cref="ImportExitCodes"/>. <c>chipreg import --epcis FILE</c>: an EPCIS 2.0 document through the capture
/// endpoint, <c>--batch-size</c> events per capture (<see cref="EpcisImportCommand"/>).
/// </summary>
internal static class ImportCommands
{
    public const int DefaultBatchSize = 1_000;

    public static Command Create()
    {
        var csv = new Option<FileInfo?>("--csv") { Description = "A CSV file of chip events, one row per event (docs/import.md)." };
        var api = new Option<string>("--api") { Description = "The registry API (default: $CHIPREGISTRY_URL or http://127.0.0.1:5080).", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("CHIPREGISTRY_URL") ?? "http://127.0.0.1:5080" };
        var key = new Option<string?>("--key") { Description = "The API key of the organisation recording the events (default: $CHIPREGISTRY_KEY).", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("CHIPREGISTRY_KEY") };
        var partial = new Option<bool>("--partial") { Description = "Go on after a refused batch (each batch is still all or nothing)." };
        var json = new Option<bool>("--json") { Description = "Print the summary as one JSON object." };
        var epcis = new Option<FileInfo?>("--epcis") { Description = "An EPCIS 2.0 document (JSON or JSON-LD), sent to the capture endpoint (docs/epcis-mapping.md)." };
        var batchSize = new Option<int>("--batch-size") { Description = $"Rows per batch request, or EPCIS events per capture, at most (default {DefaultBatchSize}).", DefaultValueFactory = _ => DefaultBatchSize };
        var import = new Command("import", "Import chip events from a CSV file as batch acts (all or nothing per batch), or an EPCIS 2.0 document as captures of --batch-size events (each all or nothing unless --partial).");
        import.Options.Add(csv);
        import.Options.Add(epcis);
        import.Options.Add(api);
        import.Options.Add(key);
        import.Options.Add(partial);
        import.Options.Add(json);
        import.Options.Add(batchSize);
        import.SetAction(async (parseResult, cancellationToken) =>
        {
            var file = parseResult.GetValue(csv);
            var token = parseResult.GetValue(key);
            var size = parseResult.GetValue(batchSize);
            if (parseResult.GetValue(epcis) is { } document)
            {
                if (file is not null)
                {
                    return await UsageAsync("Import one file at a time: --csv FILE or --epcis FILE.");
                }
                return await EpcisImportCommand.RunAsync(parseResult.GetRequiredValue(api), token, document, parseResult.GetValue(partial), size, cancellationToken);
            }
            if (file is null)
            {
                return await UsageAsync("Name the file to import: --csv FILE or --epcis FILE.");
            }
            if (string.IsNullOrEmpty(token))
            {
                return await UsageAsync("An API key is needed: --key or CHIPREGISTRY_KEY.");
            }
            if (size < 1)
            {
                return await UsageAsync("--batch-size is at least 1.");
            }
            var registry = parseResult.GetRequiredValue(api);
            if (!Uri.TryCreate(registry.TrimEnd('/') + "/", UriKind.Absolute, out var baseAddress) || baseAddress.Scheme is not ("http" or "https"))
            {
                return await UsageAsync($"Not an http(s) URL: {registry}");
            }
            Stream stream;
            try
            {
                stream = file.OpenRead();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return await UsageAsync($"Cannot read {file.FullName}: {e.Message}");
            }
            await using (stream)
            {
                using var client = BatchSender.ClientFor(baseAddress, token);
                var summary = new ImportSummary();
                CsvImport? reading = null;
                var progress = new ImportProgress(Console.Error, () => stream.Length == 0 ? 1 : (double)(reading?.BytesRead ?? 0) / stream.Length);
                try
                {
                    reading = new CsvImport(new BatchSender(client), summary, progress, parseResult.GetValue(partial), size);
                    await reading.RunAsync(stream, cancellationToken);
                }
                catch (CsvUsageException e)
                {
                    return await UsageAsync(e.Message);
                }
                catch (RegistryUnreachableException e)
                {
                    await Console.Error.WriteLineAsync(e.Message);
                    summary.Seconds = progress.Elapsed.TotalSeconds;
                    await summary.PrintAsync(Console.Out, parseResult.GetValue(json));
                    return ImportExitCodes.Unreachable;
                }
                catch (CsvHelper.CsvFormatException e)
                {
                    // A file that cannot be read past (broken quoting, a record over 1 MiB): the batches before it were imported.
                    summary.Batches++;
                    summary.Failures.Add(new ImportFailure(e.RecordNumber, e.RecordNumber, e.RecordNumber, null, null, "malformed_csv", e.Message.Split('\n')[0]));
                    summary.Stopped = true;
                }
                summary.Seconds = progress.Elapsed.TotalSeconds;
                foreach (var failure in summary.Failures)
                {
                    await Console.Error.WriteLineAsync(ImportSummary.Describe(failure));
                }
                await summary.PrintAsync(Console.Out, parseResult.GetValue(json));
                return summary.ExitCode;
            }
        });
        return import;
    }

    private static async Task<int> UsageAsync(string message)
    {
        await Console.Error.WriteLineAsync(message);
        return ImportExitCodes.Usage;
    }
}
