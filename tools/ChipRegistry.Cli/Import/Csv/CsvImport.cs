using System.Text.Json;
using CsvHelper;

namespace ChipRegistry.Cli.Import.Csv;

/// <summary>A CSV the import cannot start on (no such file, a header that is not docs/import.md's): exit code 2.</summary>
internal sealed class CsvUsageException(string message) : Exception(message);

/// <summary>
/// <c>chipreg import --csv FILE</c>: reads the file row by row (CsvHelper, one record held at a time) and groups
/// consecutive rows of one act into batch requests, in file order. A batch ends when the act changes, when a chip it
/// already holds comes again (so a chip's events keep their order, each in a later batch), or at the batch size.
/// Memory holds one batch, whatever the file's length. A row the importer itself cannot read (an unknown act, a blank
/// chip id, a cell in a column its act does not take, a short row) fails the batch it falls in, as a refusal does.
/// </summary>
internal sealed class CsvImport(BatchSender sender, ImportSummary summary, ImportProgress? progress, bool partial, int batchSize)
{
    private sealed class PendingBatch(CsvAct act)
    {
        public CsvAct Act { get; } = act;
        public List<long> Rows { get; } = [];
        public HashSet<string> Chips { get; } = new(StringComparer.OrdinalIgnoreCase);
        public MemoryStream Body { get; } = new();
        public Utf8JsonWriter? Writer { get; set; }
    }

    private PendingBatch? pending;

    /// <summary>
    /// Comma-separated UTF-8 with RFC 4180 quoting, a header row, nothing guessed: malformed quoting stops the import
    /// (at its record) rather than being read as something the file did not say, and one record may not grow past 1 MiB.
    /// </summary>
    public static CsvReader Open(Stream stream) => CsvReader.Create(stream, new CsvReaderOptions
    {
        Separator = ',',
        HasHeader = true,
        MalformedData = CsvMalformedDataHandling.Throw,
        MaxRecordSize = 1024 * 1024,
    }, true);

    /// <summary>How far into the input the reader is, in bytes (for progress).</summary>
    public long BytesRead { get; private set; }

    /// <summary>Imports the file into <see cref="ImportSummary"/>, which records where it stopped early (a refused batch without <c>--partial</c>).</summary>
    public async Task RunAsync(Stream stream, CancellationToken cancellationToken)
    {
        using var csv = Open(stream);
        var header = await ReadHeaderAsync(csv, cancellationToken);
        var index = header.Select((column, i) => (column, i)).ToDictionary(p => p.column, p => p.i, StringComparer.Ordinal);
        while (await csv.ReadAsync(cancellationToken))
        {
            // Rows are counted as a spreadsheet shows them: the header is row 1.
            var row = csv.RowNumber + 1;
            BytesRead = csv.ByteOffset;
            summary.Rows++;
            if (!await TakeAsync(csv, header, index, row, cancellationToken))
            {
                summary.Stopped = true;
                return;
            }
            progress?.Report(summary.Rows);
        }
        if (pending is not null && !await FlushAsync(cancellationToken))
        {
            summary.Stopped = !partial;
        }
    }

    private static async Task<string[]> ReadHeaderAsync(CsvReader csv, CancellationToken cancellationToken)
    {
        await csv.ReadHeaderAsync(cancellationToken);
        var header = csv.Headers.ToArray();
        if (header.Length == 0 || header is [""])
        {
            throw new CsvUsageException("row 1: the file has no header row (docs/import.md lists the columns).");
        }
        for (var i = 0; i < header.Length; i++)
        {
            if (!CsvColumns.All.Contains(header[i]))
            {
                throw new CsvUsageException($"row 1, column {i + 1} ({header[i]}): not a column of docs/import.md.");
            }
            if (Array.IndexOf(header, header[i]) != i)
            {
                throw new CsvUsageException($"row 1, column {i + 1} ({header[i]}): the column is named twice.");
            }
        }
        foreach (var required in new[] { CsvColumns.Act, CsvColumns.ChipId })
        {
            if (!header.Contains(required))
            {
                throw new CsvUsageException($"row 1: the header has no {required} column.");
            }
        }
        return header;
    }

    /// <summary>Adds the row to the pending batch (sending the one before when the row cannot join it); false to stop.</summary>
    private async Task<bool> TakeAsync(CsvReader csv, string[] header, Dictionary<string, int> index, long row, CancellationToken cancellationToken)
    {
        if (csv.FieldCount != header.Length)
        {
            return Refuse(row, null, $"the row has {csv.FieldCount} fields, the header {header.Length}.");
        }
        var actName = csv.GetString(index[CsvColumns.Act]) ?? "";
        if (!CsvColumns.Acts.TryGetValue(actName, out var act))
        {
            return Refuse(row, CsvColumns.Act, $"'{actName}' is not an act ({string.Join(", ", CsvColumns.Acts.Keys)}).");
        }
        var chipId = csv.GetString(index[CsvColumns.ChipId]) ?? "";
        if (chipId.Length == 0)
        {
            return Refuse(row, CsvColumns.ChipId, "a row names its chip.");
        }
        for (var i = 0; i < header.Length; i++)
        {
            if (!act.Columns.Contains(header[i]) && header[i] != CsvColumns.Act && !csv.IsEmpty(i))
            {
                return Refuse(row, header[i], $"a {act.Name} row leaves {header[i]} empty.");
            }
        }
        if (pending is not null && (pending.Act != act || pending.Chips.Contains(chipId) || pending.Rows.Count >= batchSize))
        {
            if (!await FlushAsync(cancellationToken) && !partial)
            {
                return false;
            }
        }
        pending ??= new PendingBatch(act);
        if (pending.Writer is null)
        {
            pending.Writer = new Utf8JsonWriter(pending.Body);
            pending.Writer.WriteStartObject();
            pending.Writer.WriteStartArray("items");
        }
        var writer = pending.Writer;
        writer.WriteStartObject();
        for (var i = 0; i < header.Length; i++)
        {
            if (act.Columns.Contains(header[i]) && !csv.IsEmpty(i))
            {
                writer.WriteString(CsvColumns.JsonFieldOf(header[i]), csv.GetString(i));
            }
        }
        writer.WriteEndObject();
        pending.Rows.Add(row);
        pending.Chips.Add(chipId);
        return true;
    }

    /// <summary>
    /// A row the importer cannot read fails the batch it falls in: the rows gathered since the last batch was sent,
    /// and itself. With <c>--partial</c> the import goes on with a fresh batch from the next row.
    /// </summary>
    private bool Refuse(long row, string? column, string detail)
    {
        var first = pending?.Rows.FirstOrDefault() is > 0 and var start ? start : row;
        summary.Batches++;
        summary.Failures.Add(new ImportFailure(first, row, row, column, null, "invalid_row", detail));
        Discard();
        return partial;
    }

    private async Task<bool> FlushAsync(CancellationToken cancellationToken)
    {
        var batch = pending!;
        batch.Writer!.WriteEndArray();
        batch.Writer.WriteEndObject();
        await batch.Writer.FlushAsync(cancellationToken);
        var request = new ImportBatch(batch.Act.Route, batch.Body.ToArray(), batch.Rows);
        Discard();
        summary.Batches++;
        var failure = await sender.SendAsync(request, CsvColumns.ColumnOf, cancellationToken);
        if (failure is null)
        {
            summary.ImportedBatches++;
            summary.ImportedRows += request.Rows.Count;
            return true;
        }
        summary.Failures.Add(failure);
        return false;
    }

    private void Discard()
    {
        if (pending is not null)
        {
            pending.Writer?.Dispose();
            pending.Body.Dispose();
            pending = null;
        }
    }
}
