namespace ChipRegistry.EventStore;

/// <summary>How a <see cref="ProjectionDaemon"/> runs its projections.</summary>
public sealed class ProjectionDaemonOptions
{
    /// <summary>The async projections, each with its dead-letter policy. Names must be unique.</summary>
    public IReadOnlyList<AsyncProjectionRegistration> Projections { get; init; } = [];

    /// <summary>At most this many sequence numbers per projection batch (one transaction).</summary>
    public int BatchSize { get; init; } = 1_000;

    /// <summary>At most this many events per step of the high-water mark.</summary>
    public int MarkPageSize { get; init; } = 100_000;

    /// <summary>
    /// The smallest run the mark offers to runners while counting it (docs/daemon.md): below it the count takes
    /// milliseconds, and a runner's extra transaction on the mark's snapshot would cost more than it saves.
    /// </summary>
    public int MarkProofMinimumRun { get; init; } = 10_000;

    /// <summary>How often the daemon looks for new events without a notification.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// One active runner per projection across processes, by a session advisory lock on a
    /// dedicated unpooled connection. Off, every daemon runs every projection and the
    /// checkpoint's floor guard alone keeps each event applied once (useful only for tests).
    /// </summary>
    public bool UseLeadership { get; init; } = true;

    /// <summary>How often a runner that is not the leader tries to take the lock.</summary>
    public TimeSpan LeadershipRetryInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>A gap the mark has waited at for longer than this makes the mark "stalled" in the health data.</summary>
    public TimeSpan StalledAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The pause after an unexpected error (lost connection, failed batch) before a loop tries again.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// An unfinished rebuild whose heartbeat (every replayed batch) is older than this lost its process: the next
    /// request for a rebuild of the projection marks it failed instead of answering with it.
    /// </summary>
    public TimeSpan RebuildAbandonedAfter { get; init; } = TimeSpan.FromMinutes(10);

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(BatchSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MarkPageSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MarkProofMinimumRun);
        var duplicate = Projections.GroupBy(p => p.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Two async projections are named '{duplicate.Key}'.");
        }
        var table = Projections.SelectMany(p => p.Projection.Tables).GroupBy(t => t.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (table is not null)
        {
            throw new ArgumentException($"Two async projections declare the table '{table.Key}'.");
        }
        if (Projections.Any(p => p.Name.StartsWith('$')))
        {
            throw new ArgumentException("Projection names starting with '$' are reserved.");
        }
    }
}
