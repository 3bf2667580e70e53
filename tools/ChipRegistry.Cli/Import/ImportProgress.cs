using System.Diagnostics;

namespace ChipRegistry.Cli.Import;

/// <summary>
/// Progress on stderr for long inputs: at most every two seconds, rows done, their rate, and an estimate of the time
/// left from how far into the file the reader is. Short imports print nothing.
/// </summary>
internal sealed class ImportProgress(TextWriter error, Func<double> fractionRead)
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(2);
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private TimeSpan last = TimeSpan.Zero;

    public TimeSpan Elapsed => clock.Elapsed;

    public void Report(long rows)
    {
        var now = clock.Elapsed;
        if (now - last < Every)
        {
            return;
        }
        last = now;
        var rate = rows / Math.Max(now.TotalSeconds, 0.001);
        var fraction = Math.Clamp(fractionRead(), 0, 1);
        var eta = fraction > 0 ? TimeSpan.FromSeconds(now.TotalSeconds * (1 - fraction) / fraction) : (TimeSpan?)null;
        error.WriteLine($"{rows:N0} rows, {rate:N0} rows/s, {fraction:P0} of the file, ETA {(eta is { } left ? left.ToString(@"hh\:mm\:ss", System.Globalization.CultureInfo.InvariantCulture) : "unknown")}");
    }
}
