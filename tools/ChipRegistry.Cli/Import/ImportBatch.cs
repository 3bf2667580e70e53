namespace ChipRegistry.Cli.Import;

/// <summary>
/// One batch request: the act's route under <c>/api/v1/chip-batches/</c>, the JSON body, and for each item the place in
/// the input it came from (a CSV row number), so a refusal naming <c>$.items[i]</c> can be told as a row.
/// </summary>
internal sealed record ImportBatch(string Route, byte[] Body, IReadOnlyList<long> Rows);

/// <summary>A batch the registry refused (or that could not be built): where, and why.</summary>
internal sealed record ImportFailure(long FirstRow, long LastRow, long? Row, string? Column, int? Status, string Code, string Detail);
