using System.CommandLine;
using System.Diagnostics;

namespace ChipRegistry.Cli.Bench;

/// <summary><c>chipreg bench ARGS</c>: runs tools/bench.sh of the checkout with the arguments as given, and exits with its code.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var arguments = new Argument<string[]>("arguments") { Description = "What tools/bench.sh takes: event-store|api|projections and their options.", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("bench", """
            Run the benchmarks (tools/bench.sh of this checkout), passing the arguments through; prints name: value lines.

            Examples:
              chipreg bench event-store --events 100000 --seconds 10
              chipreg bench api --samples 50
              chipreg bench projections --chips 10000 --reuse

            Exit codes: those of tools/bench.sh (0 done, 2 bad usage, others: the benchmark failed); 2 when the script is not found.
            """) { TreatUnmatchedTokensAsErrors = false };
        command.Arguments.Add(arguments);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var script = Path.Combine(WorkingCopy.Find(), "tools", "bench.sh");
            if (!File.Exists(script))
            {
                await Console.Error.WriteLineAsync($"No tools/bench.sh here: run chipreg bench inside a ChipRegistry checkout ({script}).");
                return 2;
            }
            var start = new ProcessStartInfo("bash") { UseShellExecute = false };
            start.ArgumentList.Add(script);
            foreach (var argument in parseResult.GetValue(arguments) ?? []) start.ArgumentList.Add(argument);
            foreach (var argument in parseResult.UnmatchedTokens) start.ArgumentList.Add(argument);
            using var process = Process.Start(start)!;
            await process.WaitForExitAsync(cancellationToken);
            return process.ExitCode;
        });
        return command;
    }
}
