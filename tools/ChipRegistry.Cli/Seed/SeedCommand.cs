using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using ChipRegistry.Cli.Import;
using ChipRegistry.Cli.Terminal;
using ChipRegistry.World;
using ChipRegistry.World.Cast;
using NodaTime;
using NodaTime.Text;

namespace ChipRegistry.Cli.Seed;

/// <summary>
/// <c>chipreg seed [--chips N] [--seed S] [--until DATE] --api URL --key ADMIN_KEY</c>: the generated world of
/// src/ChipRegistry.World through the registry's HTTP API (<see cref="HttpWorldSink"/>), its demo organisations'
/// keys issued on the way, the clock ticked as its lots advance (the API must run with <c>Registry:Clock=manual</c>).
/// Exit codes: <see cref="SeedExitCodes"/>.
/// </summary>
internal static class SeedCommand
{
    public const int DefaultChips = 100_000;
    public const int DefaultSeed = 20_260_630;
    public const string DefaultPrefix = "demo-";

    public static Command Create()
    {
        var chips = new Option<int>("--chips") { Description = $"Chips in the world (default {DefaultChips:N0}).", DefaultValueFactory = _ => DefaultChips };
        var seed = new Option<int>("--seed") { Description = $"The world's seed: the same seed gives the same world (default {DefaultSeed}).", DefaultValueFactory = _ => DefaultSeed };
        var until = new Option<string?>("--until") { Description = "The last day of the world's timeline, yyyy-MM-dd (default: today, UTC); it starts on 2022-01-01." };
        var api = new Option<string>("--api") { Description = "The registry API (default: $CHIPREGISTRY_URL or http://127.0.0.1:5080).", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("CHIPREGISTRY_URL") ?? "http://127.0.0.1:5080" };
        var key = new Option<string?>("--key") { Description = "An admin API key (default: $CHIPREGISTRY_ADMIN_KEY): it registers the demo organisations and issues their keys.", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("CHIPREGISTRY_ADMIN_KEY") };
        var prefix = new Option<string>("--prefix") { Description = $"What every demo organisation, facility, model and chip id starts with (default {DefaultPrefix}).", DefaultValueFactory = _ => DefaultPrefix };
        var json = new Option<bool>("--json") { Description = "Print the summary as one JSON object." };
        var command = new Command("seed", """
            Generate the demo world (src/ChipRegistry.World) into a registry through its HTTP API: organisations, sites,
            the catalog, licences and chip lives from 2022-01-01 to --until, chip acts through the batch routes, the
            clock ticked daily as the lots advance (run the API with Registry:Clock=manual). Prints chips, events,
            events/s and the anomalies the world's routes produce per built rule, and an agency key for the demo.

            Examples:
              chipreg seed --chips 20000 --api http://127.0.0.1:5080 --key "$ADMIN_KEY"
              chipreg seed --chips 500 --seed 7 --until 2025-12-31 --json

            Exit codes: 0 seeded, 1 the registry refused an act (e.g. already seeded), 2 bad usage, 3 the API cannot be reached.
            """);
        command.Options.Add(chips);
        command.Options.Add(seed);
        command.Options.Add(until);
        command.Options.Add(api);
        command.Options.Add(key);
        command.Options.Add(prefix);
        command.Options.Add(json);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var token = parseResult.GetValue(key);
            if (string.IsNullOrEmpty(token)) return await UsageAsync("An admin key is needed: --key or CHIPREGISTRY_ADMIN_KEY.");
            var count = parseResult.GetValue(chips);
            if (count < 1) return await UsageAsync("--chips is at least 1.");
            var registry = parseResult.GetRequiredValue(api);
            if (!Uri.TryCreate(registry.TrimEnd('/') + "/", UriKind.Absolute, out var baseAddress) || baseAddress.Scheme is not ("http" or "https"))
            {
                return await UsageAsync($"Not an http(s) URL: {registry}");
            }
            var today = SystemClock.Instance.GetCurrentInstant().InUtc().Date;
            var lastDay = today;
            if (parseResult.GetValue(until) is { } text)
            {
                var parsed = LocalDatePattern.Iso.Parse(text);
                if (!parsed.Success) return await UsageAsync($"--until is a date, yyyy-MM-dd: {text}");
                lastDay = parsed.Value;
            }
            if (lastDay > today) return await UsageAsync($"--until {lastDay:yyyy-MM-dd} is after today: the registry takes no act dated ahead.");
            if (lastDay < new LocalDate(2022, 1, 31)) return await UsageAsync("--until is 2022-01-31 or later: the world starts on 2022-01-01.");
            var settings = new WorldSettings(parseResult.GetValue(seed), count)
            {
                // The timeline ends with the last day; on today, a minute ago, so no act is dated ahead of the registry's clock.
                Until = Min(lastDay.PlusDays(1).AtStartOfDayInZone(DateTimeZone.Utc).ToInstant(), SystemClock.Instance.GetCurrentInstant().Minus(Duration.FromMinutes(1))),
            };
            var ids = new DemoIds(parseResult.GetRequiredValue(prefix));
            using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(5) };
            var sink = new HttpWorldSink(http, token, ids);
            var clock = Stopwatch.StartNew();
            try
            {
                await sink.ReachAsync(cancellationToken);
                var report = await ProgressDisplay.RunAsync("seed", "events/s",
                    task => WorldGenerator.GenerateAsync(sink, settings, new SeedProgress(task), cancellationToken));
                var agencyKey = await sink.KeyOfAsync(WorldOrganisations.Agency, cancellationToken);
                var summary = new SeedSummary(settings.Seed, ids.Prefix, lastDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), report, clock.Elapsed.TotalSeconds, sink.Ticks,
                    sink.Unrouted, ids.Organisation(WorldOrganisations.Agency), agencyKey, SeedSummary.PeakMemory());
                await summary.PrintAsync(Console.Out, parseResult.GetValue(json));
                return SeedExitCodes.Seeded;
            }
            catch (RegistryUnreachableException e)
            {
                await Console.Error.WriteLineAsync(e.Message);
                return SeedExitCodes.Unreachable;
            }
            catch (Exception e) when (e is WorldRefusedException or SeedRefusedException or InvalidOperationException)
            {
                await Console.Error.WriteLineAsync($"Seeding stopped: {e.Message}");
                return SeedExitCodes.Refused;
            }
        });
        return command;
    }

    private static Instant Min(Instant a, Instant b) => a < b ? a : b;

    private static async Task<int> UsageAsync(string message)
    {
        await Console.Error.WriteLineAsync(message);
        return SeedExitCodes.Usage;
    }
}
