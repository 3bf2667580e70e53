using System.Text.Json;

namespace ChipRegistry.Cli.Import;

/// <summary>What an import did, printed at the end as text or (<c>--json</c>) as one JSON object on stdout.</summary>
internal sealed class ImportSummary
{
    public long Rows { get; set; }

    public long ImportedRows { get; set; }

    public int Batches { get; set; }

    public int ImportedBatches { get; set; }

    public List<ImportFailure> Failures { get; } = [];

    public bool Stopped { get; set; }

    public double Seconds { get; set; }

    public int ExitCode => Failures.Count == 0 ? ImportExitCodes.Imported : ImportExitCodes.BatchRefused;

    public async Task PrintAsync(TextWriter output, bool json)
    {
        if (json)
        {
            var summary = new
            {
                rows = Rows,
                importedRows = ImportedRows,
                batches = Batches,
                importedBatches = ImportedBatches,
                failedBatches = Failures.Count,
                stopped = Stopped,
                seconds = Math.Round(Seconds, 3),
                rowsPerSecond = Seconds > 0 ? Math.Round(ImportedRows / Seconds, 1) : 0,
                failures = Failures.Select(f => new { firstRow = f.FirstRow, lastRow = f.LastRow, row = f.Row, column = f.Column, status = f.Status, code = f.Code, detail = f.Detail }),
            };
            await output.WriteLineAsync(JsonSerializer.Serialize(summary));
            return;
        }
        await output.WriteLineAsync($"imported {ImportedRows:N0} of {Rows:N0} rows in {ImportedBatches:N0} of {Batches:N0} batches ({Seconds:F1} s)");
        foreach (var failure in Failures)
        {
            await output.WriteLineAsync(Describe(failure));
        }
        if (Stopped)
        {
            await output.WriteLineAsync("stopped at the first refused batch; rows after it were not sent (--partial goes on)");
        }
    }

    public static string Describe(ImportFailure failure) =>
        $"refused: rows {failure.FirstRow}-{failure.LastRow}" +
        (failure.Row is { } row ? $", row {row}" : "") + (failure.Column is { } column ? $", column {column}" : "") +
        $": {(failure.Status is { } status ? $"{status} " : "")}{failure.Code}: {failure.Detail}";
}
