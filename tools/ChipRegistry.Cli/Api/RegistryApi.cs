using System.CommandLine;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ChipRegistry.Cli.Api;

/// <summary>What the thin commands over the API exit with (docs/operations.md lists them for scripts).</summary>
internal static class ApiExitCodes
{
    public const int Done = 0;

    /// <summary>The API answered an error (its problem document is printed), or what was followed ended badly (a failed rebuild).</summary>
    public const int Refused = 1;

    public const int Usage = 2;

    /// <summary>The API could not be reached: one line on stderr.</summary>
    public const int Unreachable = 3;
}

/// <summary>The API could not be reached (no connection, no answer in time).</summary>
internal sealed class ApiUnreachableException(string message, Exception inner) : Exception(message, inner);

/// <summary>An answer of the API: its status and JSON body (null when it had none or it was not JSON).</summary>
internal sealed record ApiAnswer(int Status, JsonNode? Body, string Text)
{
    public bool IsSuccess => Status is >= 200 and < 300;
}

/// <summary>
/// The registry API as the thin commands (rebuild, flags) call it: <c>--api</c> and <c>--key</c> with their
/// environment defaults, one line and exit code 3 when it cannot be reached, the problem document and exit code 1 when
/// it refuses.
/// </summary>
internal sealed class RegistryApi(HttpClient http)
{
    public static Option<string> ApiOption() => new("--api")
    {
        Description = "The registry API (default: $CHIPREGISTRY_URL or http://127.0.0.1:5080).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("CHIPREGISTRY_URL") ?? "http://127.0.0.1:5080",
        Recursive = true,
    };

    public static Option<string?> KeyOption(string who, string variable) => new("--key")
    {
        Description = $"{who} (default: ${variable}).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(variable),
        Recursive = true,
    };

    public static Option<bool> JsonOption() => new("--json") { Description = "Print the answer as JSON.", Recursive = true };

    /// <summary>Runs <paramref name="work"/> with a client for the URL and key the command was given; usage and reachability told as documented.</summary>
    public static async Task<int> RunAsync(ParseResult parseResult, Option<string> api, Option<string?> key, Func<RegistryApi, Task<int>> work)
    {
        var token = parseResult.GetValue(key);
        if (string.IsNullOrEmpty(token)) return await UsageAsync($"An API key is needed: --key.");
        var registry = parseResult.GetRequiredValue(api);
        if (!Uri.TryCreate(registry.TrimEnd('/') + "/", UriKind.Absolute, out var baseAddress) || baseAddress.Scheme is not ("http" or "https"))
        {
            return await UsageAsync($"Not an http(s) URL: {registry}");
        }
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        try
        {
            return await work(new RegistryApi(http));
        }
        catch (ApiUnreachableException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return ApiExitCodes.Unreachable;
        }
    }

    public static async Task<int> UsageAsync(string message)
    {
        await Console.Error.WriteLineAsync(message);
        return ApiExitCodes.Usage;
    }

    public Task<ApiAnswer> GetAsync(string path, CancellationToken cancellationToken) => SendAsync(HttpMethod.Get, path, null, cancellationToken);

    public Task<ApiAnswer> PostAsync(string path, JsonObject? body, CancellationToken cancellationToken) => SendAsync(HttpMethod.Post, path, body, cancellationToken);

    /// <summary>Prints a refusal's problem document on stdout (as JSON) and its status on stderr; exit code 1.</summary>
    public static async Task<int> RefusedAsync(ApiAnswer answer)
    {
        await Console.Out.WriteLineAsync(answer.Body is { } body ? body.ToJsonString(Indented) : answer.Text);
        await Console.Error.WriteLineAsync($"HTTP {answer.Status}{(answer.Body?["code"] is { } code ? $" {code}" : "")}");
        return ApiExitCodes.Refused;
    }

    public static JsonSerializerOptions Indented { get; } = new() { WriteIndented = true };

    private async Task<ApiAnswer> SendAsync(HttpMethod method, string path, JsonObject? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            JsonNode? parsed = null;
            try
            {
                parsed = text.Length == 0 ? null : JsonNode.Parse(text);
            }
            catch (JsonException)
            {
                // not the registry's JSON (a proxy's page): kept as text
            }
            return new ApiAnswer((int)response.StatusCode, parsed, text);
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            var reason = e is HttpRequestException { InnerException: System.Net.Sockets.SocketException socket } ? socket.Message : e is HttpRequestException ? e.Message : "no answer in time";
            throw new ApiUnreachableException($"Cannot reach the registry API at {http.BaseAddress}: {reason}", e);
        }
    }
}
