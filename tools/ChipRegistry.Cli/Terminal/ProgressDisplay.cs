using Spectre.Console;

namespace ChipRegistry.Cli.Terminal;

/// <summary>
/// Long work's progress on stderr, drawn by Spectre.Console: what is done so far, a bar, the share, the rate, the time
/// left and the time spent, redrawn in place on a terminal. Where stderr is no terminal (a log, a pipe, a test),
/// Spectre prints a plain line at 25, 50, 75 and from 95% on instead. Stdout stays for the command's result.
/// </summary>
internal static class ProgressDisplay
{
    /// <summary>Runs the work with one progress task; the work sets the task's value, maximum and description.</summary>
    public static Task<T> RunAsync<T>(string description, string rateUnit, Func<ProgressTask, Task<T>> work)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(
                new TaskDescriptionColumn { Alignment = Justify.Left },
                new ProgressBarColumn(),
                new PercentageColumn(),
                new RateColumn(rateUnit),
                new RemainingTimeColumn(),
                new ElapsedTimeColumn())
            .StartAsync(context => work(context.AddTask(Markup.Escape(description), maxValue: 1)));
    }

    /// <summary>Shows the rate the work reports (<see cref="RateColumn.Report"/>), which need not be the bar's unit.</summary>
    public static void Describe(ProgressTask task, string description, double done, double total, double rate)
    {
        ArgumentNullException.ThrowIfNull(task);
        task.MaxValue = Math.Max(total, 1);
        task.Value = Math.Min(done, task.MaxValue);
        task.Description = Markup.Escape(description);
        RateColumn.Report(task, rate);
    }
}
