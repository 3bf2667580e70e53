namespace ChipRegistry.Cli.Import;

/// <summary>What <c>chipreg import</c> exits with (docs/import.md lists them for scripts).</summary>
internal static class ImportExitCodes
{
    /// <summary>Every row imported (or, on a re-run, already imported under the same batches).</summary>
    public const int Imported = 0;

    /// <summary>A batch was refused: without <c>--partial</c> the import stopped there; with it, the other batches went on.</summary>
    public const int BatchRefused = 1;

    /// <summary>Bad usage: no input, a file that cannot be opened, a header that is not the documented one.</summary>
    public const int Usage = 2;

    /// <summary>The API could not be reached (no connection, no answer in time): nothing after the last imported batch was sent.</summary>
    public const int Unreachable = 3;
}
