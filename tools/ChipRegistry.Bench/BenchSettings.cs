namespace ChipRegistry.Bench;

/// <summary>N events for the bulk legs, S seconds for each timed leg, and the commit measured.</summary>
internal sealed record BenchSettings
{
    public int Events { get; init; } = 1_000_000;
    public double Seconds { get; init; } = 60;
    public string Commit { get; init; } = "unknown";

    /// <summary>The peer measured beside us: "marten" (default) or "none".</summary>
    public string Peer { get; init; } = "marten";

    public bool WithMarten => Peer == "marten";

    /// <summary>
    /// "all" (default), or one part alone while working on it: "bulk" (the bulk legs), "single" (the single appends),
    /// "commands" (the command legs), "daemon" (the daemon legs). The acceptance runs take all.
    /// </summary>
    public string Only { get; init; } = "all";

    public bool Runs(string part) => Only == "all" || Only == part;

    /// <summary>pg_stat_statements on, each phase's costliest statements printed to stderr.</summary>
    public bool Statements { get; init; }

    /// <summary>The bulk legs go in calls of this many new streams, like a large chip lot.</summary>
    public int BulkCallSize => Math.Min(Events, 100_000);

    public TimeSpan Leg => TimeSpan.FromSeconds(Seconds);

    public const int Writers = 16;
}
