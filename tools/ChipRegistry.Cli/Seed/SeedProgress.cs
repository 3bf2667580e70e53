using System.Globalization;
using ChipRegistry.Cli.Terminal;
using ChipRegistry.World;
using Spectre.Console;

namespace ChipRegistry.Cli.Seed;

/// <summary>A world's progress on the seed's progress bar: chips lived of the total, events sent and their rate.</summary>
internal sealed class SeedProgress(ProgressTask task) : IProgress<WorldProgress>
{
    public void Report(WorldProgress value)
    {
        ArgumentNullException.ThrowIfNull(value);
        ProgressDisplay.Describe(task,
            string.Create(CultureInfo.InvariantCulture, $"seed: {value.Chips:N0}/{value.TotalChips:N0} chips, {value.Events:N0} events"),
            value.Chips, value.TotalChips, value.Events / Math.Max(value.Elapsed.TotalSeconds, 0.001));
    }
}
