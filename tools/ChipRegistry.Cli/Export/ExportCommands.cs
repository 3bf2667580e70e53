using System.CommandLine;
using System.Net;
using System.Net.Http.Headers;

namespace ChipRegistry.Cli.Export;

/// <summary>
/// <c>chipreg export --epcis (--chip ID | --lot ID | --assembly ID) [--out FILE]</c>: a chip's, lot's or assembly's
/// history as the key's organisation may see it, as the registry's EPCIS 2.0 document (docs/epcis-mapping.md), copied
/// from the response to stdout or a file as it arrives. Exit 0 when written, 1 when the registry refused (its problem
/// document on stdout, the status on stderr, no file left behind), 2 for bad usage, 3 when the registry cannot be reached.
/// </summary>
internal static class ExportCommands
{
    public static Command Create()
    {
        var epcis = new Option<bool>("--epcis") { Description = "Export as an EPCIS 2.0 document (JSON-LD); the one format there is, named so that others can follow." };
        var chip = new Option<string?>("--chip") { Description = "A chip id (nvidia:1652223004561)." };
        var lot = new Option<string?>("--lot") { Description = "A lot id: its chips the key's organisation may see." };
        var assembly = new Option<string?>("--assembly") { Description = "An assembly id: the chips ever packed into it." };
        var output = new Option<FileInfo?>("--out") { Description = "Write the document to this file (default: stdout)." };
        var api = new Option<string>("--api") { Description = "The registry API (default: $CHIPREGISTRY_URL or http://127.0.0.1:5080).", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("CHIPREGISTRY_URL") ?? "http://127.0.0.1:5080" };
        var key = new Option<string?>("--key") { Description = "The API key of the organisation reading (default: $CHIPREGISTRY_KEY).", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("CHIPREGISTRY_KEY") };
        var export = new Command("export", "Export a chip's, lot's or assembly's history as an EPCIS 2.0 document, as the key's organisation may see it.");
        foreach (var option in new Option[] { epcis, chip, lot, assembly, output, api, key })
        {
            export.Options.Add(option);
        }
        export.SetAction(async (parseResult, cancellationToken) =>
        {
            if (!parseResult.GetValue(epcis))
            {
                return await UsageAsync("Name the format: --epcis.");
            }
            var named = new[] { ("chips", parseResult.GetValue(chip)), ("lots", parseResult.GetValue(lot)), ("assemblies", parseResult.GetValue(assembly)) }
                .Where(n => !string.IsNullOrEmpty(n.Item2)).ToList();
            if (named.Count != 1)
            {
                return await UsageAsync("Name one thing to export: --chip ID, --lot ID or --assembly ID.");
            }
            var token = parseResult.GetValue(key);
            if (string.IsNullOrEmpty(token))
            {
                return await UsageAsync("An API key is needed: --key or CHIPREGISTRY_KEY.");
            }
            var registry = parseResult.GetRequiredValue(api);
            if (!Uri.TryCreate(registry.TrimEnd('/') + "/", UriKind.Absolute, out var baseAddress) || baseAddress.Scheme is not ("http" or "https"))
            {
                return await UsageAsync($"Not an http(s) URL: {registry}");
            }
            var (collection, id) = named[0];
            return await RunAsync(baseAddress, token, $"api/v1/{collection}/{Uri.EscapeDataString(id!)}/epcis", parseResult.GetValue(output), cancellationToken);
        });
        return export;
    }

    private static async Task<int> RunAsync(Uri baseAddress, string key, string path, FileInfo? output, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        try
        {
            using var response = await client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                await Console.Error.WriteLineAsync($"{(int)response.StatusCode} {response.ReasonPhrase}");
                await Console.Out.WriteLineAsync(await response.Content.ReadAsStringAsync(cancellationToken));
                return 1;
            }
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            if (output is null)
            {
                await using var stdout = Console.OpenStandardOutput();
                await body.CopyToAsync(stdout, cancellationToken);
                return 0;
            }
            // Written beside the target and moved into place, so a failed export never leaves half a document under its name.
            var partial = output.FullName + ".partial";
            try
            {
                await using (var file = File.Create(partial))
                {
                    await body.CopyToAsync(file, cancellationToken);
                }
                File.Move(partial, output.FullName, overwrite: true);
            }
            finally
            {
                File.Delete(partial);
            }
            output.Refresh();
            await Console.Error.WriteLineAsync($"Wrote {output.FullName} ({output.Length} bytes).");
            return 0;
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            await Console.Error.WriteLineAsync($"Cannot reach the registry API at {baseAddress}: {e.Message}");
            return 3;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"Cannot write {output?.FullName}: {e.Message}");
            return 1;
        }
    }

    private static async Task<int> UsageAsync(string message)
    {
        await Console.Error.WriteLineAsync(message);
        return 2;
    }
}
