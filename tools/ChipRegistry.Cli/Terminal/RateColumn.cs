using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ChipRegistry.Cli.Terminal;

/// <summary>
/// The rate the work reports, in its own unit (events/s while the bar counts chips), where Spectre's speed column
/// would give the bar's unit per second.
/// </summary>
internal sealed class RateColumn(string unit) : ProgressColumn
{
    private const string Key = "chipreg.rate";

    public static void Report(ProgressTask task, double rate) => task.State.Update<double>(Key, _ => rate);

    public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime)
    {
        ArgumentNullException.ThrowIfNull(task);
        return new Text(string.Create(CultureInfo.InvariantCulture, $"{task.State.Get<double>(Key):N0} {unit}"));
    }
}
