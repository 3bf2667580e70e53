using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using ChipRegistry.Cli.Api;
using ChipRegistry.Cli.Terminal;
using Spectre.Console;

namespace ChipRegistry.Cli.Rebuild;

/// <summary>
/// <c>chipreg rebuild [projection]</c>: starts a rebuild of an async projection over the rebuild resource
/// (<c>POST /api/v1/admin/projections/{name}/rebuild</c>) and follows it to <c>done</c> or <c>failed</c>; without a
/// projection, lists the names (the daemon's, from <c>/health/ready</c>).
/// </summary>
internal static class RebuildCommand
{
    public static Command Create()
    {
        var api = RegistryApi.ApiOption();
        var key = RegistryApi.KeyOption("An admin API key", "CHIPREGISTRY_ADMIN_KEY");
        var json = RegistryApi.JsonOption();
        var projection = new Argument<string?>("projection") { Description = "The async projection to rebuild (left out: list them).", Arity = ArgumentArity.ZeroOrOne };
        var noWait = new Option<bool>("--no-wait") { Description = "Print the accepted rebuild and return; do not follow it." };
        var every = new Option<double>("--poll-seconds") { Description = "Seconds between reads of the rebuild while following it (default 1).", DefaultValueFactory = _ => 1 };
        var command = new Command("rebuild", """
            Rebuild an async projection from zero (admin), following the rebuild to done or failed; without a projection, list them.

            Examples:
              chipreg rebuild
              chipreg rebuild chip_placements --key "$CHIPREGISTRY_ADMIN_KEY"
              chipreg rebuild custody_gap --no-wait --json

            Exit codes: 0 done (or accepted, with --no-wait), 1 refused (e.g. rebuild_running) or the rebuild failed, 2 bad usage, 3 the API cannot be reached.
            """);
        command.Arguments.Add(projection);
        command.Options.Add(api);
        command.Options.Add(key);
        command.Options.Add(json);
        command.Options.Add(noWait);
        command.Options.Add(every);
        command.SetAction((parseResult, cancellationToken) => RegistryApi.RunAsync(parseResult, api, key, async registry =>
        {
            var asJson = parseResult.GetValue(json);
            if (parseResult.GetValue(projection) is not { } name)
            {
                var health = await registry.GetAsync("health/ready", cancellationToken);
                var names = health.Body?["checks"]?["daemon"]?["data"]?["projections"]?.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal).ToList() ?? [];
                await Console.Out.WriteLineAsync(asJson ? new System.Text.Json.Nodes.JsonArray([.. names.Select(n => (System.Text.Json.Nodes.JsonNode)n)]).ToJsonString() : string.Join('\n', names));
                return ApiExitCodes.Done;
            }
            var started = await registry.PostAsync($"api/v1/admin/projections/{Uri.EscapeDataString(name)}/rebuild", null, cancellationToken);
            if (!started.IsSuccess) return await RegistryApi.RefusedAsync(started);
            var rebuild = started.Body!;
            var wait = TimeSpan.FromSeconds(Math.Max(0.05, parseResult.GetValue(every)));
            if (!parseResult.GetValue(noWait))
            {
                var followed = asJson
                    ? await FollowAsync(registry, name, rebuild, wait, null, cancellationToken)
                    : await ProgressDisplay.RunAsync($"rebuild {name}", "events/s", task => FollowAsync(registry, name, rebuild, wait, task, cancellationToken));
                if (!followed.IsSuccess) return await RegistryApi.RefusedAsync(followed);
                rebuild = followed.Body!;
            }
            var state = rebuild["state"]?.GetValue<string>();
            await Console.Out.WriteLineAsync(asJson ? rebuild.ToJsonString()
                : $"{name}: rebuild {rebuild["rebuildId"]} {state}{(state == "done" ? $" at checkpoint {rebuild["checkpoint"]}, {rebuild["deadLetters"]} dead letters" : state == "failed" ? $": {rebuild["error"]}" : $" ({rebuild["self"]})")}");
            return state == "failed" ? ApiExitCodes.Refused : ApiExitCodes.Done;
        }));
        return command;
    }

    /// <summary>Reads the rebuild until it is done or failed, showing its events done of its total on the bar, if any.</summary>
    private static async Task<ApiAnswer> FollowAsync(RegistryApi registry, string name, JsonNode rebuild, TimeSpan wait, ProgressTask? bar, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (bar is not null)
            {
                var done = rebuild["eventsDone"]?.GetValue<long>() ?? 0;
                var total = rebuild["eventsTotal"]?.GetValue<long>() ?? 0;
                ProgressDisplay.Describe(bar, string.Create(CultureInfo.InvariantCulture, $"rebuild {name}: {rebuild["state"]}, {done:N0}/{total:N0} events"),
                    done, total, done / Math.Max(clock.Elapsed.TotalSeconds, 0.001));
            }
            if (rebuild["state"]?.GetValue<string>() is "done" or "failed")
            {
                return new ApiAnswer(200, rebuild, rebuild.ToJsonString());
            }
            await Task.Delay(wait, cancellationToken);
            var read = await registry.GetAsync(rebuild["self"]!.GetValue<string>().TrimStart('/'), cancellationToken);
            if (!read.IsSuccess) return read;
            rebuild = read.Body!;
        }
    }
}
