using System.CommandLine;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace ChipRegistry.Cli.Keys;

/// <summary>
/// <c>chipreg keys create|list|revoke</c>: the admin key endpoints over HTTP, so the CLI holds no
/// database credentials and every key change is recorded with the acting admin.
/// </summary>
internal static class KeyCommands
{
    public static Command Create()
    {
        var url = new Option<string>("--url") { Description = "The registry API (default: $CHIPREGISTRY_URL or http://127.0.0.1:5080).", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("CHIPREGISTRY_URL") ?? "http://127.0.0.1:5080", Recursive = true };
        var adminKey = new Option<string?>("--admin-key") { Description = "An admin API key (default: $CHIPREGISTRY_ADMIN_KEY).", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("CHIPREGISTRY_ADMIN_KEY"), Recursive = true };
        var keys = new Command("keys", "Issue, list and revoke API keys (admin).");
        keys.Options.Add(url);
        keys.Options.Add(adminKey);

        var organisation = new Option<string>("--organisation") { Description = "The organisation the key speaks for.", Required = true };
        var role = new Option<string?>("--role") { Description = "The organisation's kind (manufacturer, distributor, forwarder, integrator, operator, end_user, agency; admin for registry); left out, the registry derives it." };
        var label = new Option<string>("--label") { Description = "Who or what holds the key.", DefaultValueFactory = _ => "issued with chipreg" };
        var create = new Command("create", "Issue a key to a registered organisation; prints the token once.");
        create.Options.Add(organisation);
        create.Options.Add(role);
        create.Options.Add(label);
        create.SetAction((parseResult, cancellationToken) => Run(parseResult, url, adminKey, cancellationToken, client =>
            client.PostAsJsonAsync("api/v1/admin/keys", new
            {
                organisationId = parseResult.GetRequiredValue(organisation),
                role = parseResult.GetValue(role),
                label = parseResult.GetRequiredValue(label),
            }, cancellationToken)));

        var filter = new Option<string?>("--organisation") { Description = "Only this organisation's keys." };
        var list = new Command("list", "List keys (never their tokens).");
        list.Options.Add(filter);
        list.SetAction((parseResult, cancellationToken) => Run(parseResult, url, adminKey, cancellationToken, client =>
            AllPagesAsync(client, parseResult.GetValue(filter), cancellationToken)));

        var keyId = new Argument<string>("key-id");
        var reason = new Option<string>("--reason") { Description = "Why the key is revoked (recorded).", Required = true };
        var revoke = new Command("revoke", "Revoke a key at once.");
        revoke.Arguments.Add(keyId);
        revoke.Options.Add(reason);
        revoke.SetAction((parseResult, cancellationToken) => Run(parseResult, url, adminKey, cancellationToken, client =>
            client.PostAsJsonAsync($"api/v1/admin/keys/{Uri.EscapeDataString(parseResult.GetRequiredValue(keyId))}/revoke", new { reason = parseResult.GetRequiredValue(reason) }, cancellationToken)));

        keys.Subcommands.Add(create);
        keys.Subcommands.Add(list);
        keys.Subcommands.Add(revoke);
        return keys;
    }

    /// <summary>Follows the listing's cursor to the end and answers with every key as one JSON array.</summary>
    private static async Task<HttpResponseMessage> AllPagesAsync(HttpClient client, string? organisationId, CancellationToken cancellationToken)
    {
        var all = new System.Text.Json.Nodes.JsonArray();
        string? cursor = null;
        do
        {
            var query = new List<string> { "limit=500" };
            if (organisationId is not null) query.Add($"organisationId={Uri.EscapeDataString(organisationId)}");
            if (cursor is not null) query.Add($"cursor={Uri.EscapeDataString(cursor)}");
            var response = await client.GetAsync($"api/v1/admin/keys?{string.Join('&', query)}", cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return response;
            }
            var page = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))!;
            foreach (var key in page["keys"]!.AsArray())
            {
                all.Add(key!.DeepClone());
            }
            cursor = page["next"]?.GetValue<string>();
            response.Dispose();
        }
        while (cursor is not null);
        return new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new StringContent(all.ToJsonString(), System.Text.Encoding.UTF8, "application/json") };
    }

    private static async Task<int> Run(ParseResult parseResult, Option<string> url, Option<string?> adminKey, CancellationToken cancellationToken, Func<HttpClient, Task<HttpResponseMessage>> send)
    {
        var key = parseResult.GetValue(adminKey);
        if (string.IsNullOrEmpty(key))
        {
            await Console.Error.WriteLineAsync("An admin key is needed: --admin-key or CHIPREGISTRY_ADMIN_KEY.");
            return 2;
        }
        var registry = parseResult.GetRequiredValue(url);
        if (!Uri.TryCreate(registry.TrimEnd('/') + "/", UriKind.Absolute, out var baseAddress) || baseAddress.Scheme is not ("http" or "https"))
        {
            await Console.Error.WriteLineAsync($"Not an http(s) URL: {registry}");
            return 2;
        }
        using var client = new HttpClient { BaseAddress = baseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        HttpResponseMessage response;
        string body;
        try
        {
            response = await send(client);
            body = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // A script needs one line and a code it can test, not a stack trace.
            await Console.Error.WriteLineAsync($"Cannot reach the registry API at {baseAddress}: {Reason(e)}");
            return Unreachable;
        }
        using (response)
        {
            return await PrintAsync(response, body);
        }
    }

    /// <summary>The exit code when the API cannot be reached (no connection, a timeout): distinct from an answered error (1) and bad usage (2).</summary>
    public const int Unreachable = 3;

    private static string Reason(Exception e) => e switch
    {
        HttpRequestException { InnerException: System.Net.Sockets.SocketException socket } => socket.Message,
        HttpRequestException request => request.Message,
        _ => "no answer in time",
    };

    private static async Task<int> PrintAsync(HttpResponseMessage response, string body)
    {
        if (body.Length > 0)
        {
            try
            {
                using var document = JsonDocument.Parse(body);
                await Console.Out.WriteLineAsync(JsonSerializer.Serialize(document.RootElement, new JsonSerializerOptions { WriteIndented = true }));
            }
            catch (JsonException)
            {
                // Something other than the registry answered (a proxy's error page): show it as it came.
                await Console.Out.WriteLineAsync(body);
            }
        }
        if (!response.IsSuccessStatusCode)
        {
            await Console.Error.WriteLineAsync($"HTTP {(int)response.StatusCode}");
            return 1;
        }
        return 0;
    }
}
