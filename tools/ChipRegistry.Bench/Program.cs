using System.Globalization;
using ChipRegistry.Bench;

// tools/bench.sh event-store [--events N] [--seconds S] [--peer marten|none] [--only all|bulk|single|commands|daemon] [--statements] [--commit SHA]
// tools/bench.sh api [--events N] [--samples N] [--warm-up N] [--commit SHA]
// tools/bench.sh projections [--chips N] [--seed S] [--reuse] [--commit SHA]
// tools/bench.sh detection [--chips N] [--seed S] [--lag-minutes M] [--lag-rate R] [--commit SHA]
if (args.Length > 0 && args[0] == "api")
{
    var api = new ApiBenchSettings();
    for (var i = 1; i < args.Length; i += 2)
    {
        var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
        api = args[i] switch
        {
            "--events" => api with { Events = int.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture) },
            "--samples" => api with { Samples = int.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture) },
            "--warm-up" => api with { WarmUp = int.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture) },
            "--commit" => api with { Commit = value },
            "--api" => api with { ApiAssembly = value },
            _ => throw new ArgumentException($"unknown option {args[i]}"),
        };
    }
    await ApiBenchmark.RunAsync(api);
    return 0;
}
if (args.Length > 0 && args[0] == "projections")
{
    var projections = new ProjectionsBenchSettings();
    for (var i = 1; i < args.Length; i++)
    {
        if (args[i] == "--reuse")
        {
            projections = projections with { Reuse = true };
            continue;
        }
        var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
        projections = args[i] switch
        {
            "--chips" => projections with { Chips = int.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture) },
            "--seed" => projections with { Seed = int.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture) },
            "--commit" => projections with { Commit = value },
            _ => throw new ArgumentException($"unknown option {args[i]}"),
        };
        i++;
    }
    await ProjectionsBenchmark.RunAsync(projections);
    return 0;
}
if (args.Length > 0 && args[0] == "detection")
{
    var detection = new DetectionBenchSettings();
    for (var i = 1; i < args.Length; i += 2)
    {
        var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
        detection = args[i] switch
        {
            "--chips" => detection with { Chips = int.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture) },
            "--seed" => detection with { Seed = int.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture) },
            "--commit" => detection with { Commit = value },
            "--lag-minutes" => detection with { LagMinutes = double.Parse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture) },
            "--lag-rate" => detection with { LagAppendsPerSecond = int.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture) },
            _ => throw new ArgumentException($"unknown option {args[i]}"),
        };
    }
    await DetectionBenchmark.RunAsync(detection);
    return 0;
}
if (args.Length == 0 || args[0] != "event-store")
{
    await Console.Error.WriteLineAsync("usage: bench event-store [--events N] [--seconds S] [--peer marten|none] [--only all|bulk|single|commands|daemon] [--statements] [--commit SHA]");
    await Console.Error.WriteLineAsync("       bench api [--events N] [--samples N] [--warm-up N] [--commit SHA]");
    await Console.Error.WriteLineAsync("       bench projections [--chips N] [--seed S] [--reuse] [--commit SHA]");
    await Console.Error.WriteLineAsync("       bench detection [--chips N] [--seed S] [--lag-minutes M] [--lag-rate R] [--commit SHA]");
    return 2;
}
var settings = new BenchSettings();
for (var i = 1; i < args.Length; i++)
{
    if (args[i] == "--statements")
    {
        settings = settings with { Statements = true };
        continue;
    }
    var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
    settings = args[i] switch
    {
        "--events" => settings with { Events = int.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture) },
        "--seconds" => settings with { Seconds = double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture) },
        "--commit" => settings with { Commit = value },
        "--peer" => value is "marten" or "none" ? settings with { Peer = value } : throw new ArgumentException("--peer takes marten or none"),
        "--only" => value is "all" or "bulk" or "single" or "commands" or "daemon"
            ? settings with { Only = value }
            : throw new ArgumentException("--only takes all, bulk, single, commands or daemon"),
        _ => throw new ArgumentException($"unknown option {args[i]}"),
    };
    i++;
}
await EventStoreBenchmark.RunAsync(settings);
return 0;
