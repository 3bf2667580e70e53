namespace ChipRegistry.EventStore;

/// <summary>
/// An async projection that can fill its tables from zero in one pass, reading and folding each stream once, instead
/// of replaying the log in batches (which re-reads a stream in every batch that touches it). A rebuild uses it for
/// everything up to the high-water mark it starts from, then catches up from there in ordinary batches
/// (docs/daemon.md, "Rebuilds"). The tables are empty shadows without their declared indexes (the daemon creates
/// those after the pass, which is cheaper than keeping them up to date row by row).
/// </summary>
public interface IRebuildsFromZero
{
    /// <summary>
    /// Writes into <paramref name="batch"/>'s tables exactly what applying every event up to
    /// <see cref="AsyncProjectionBatch.ThroughSeqId"/> in batches would have written; the batch carries no events
    /// (<see cref="AsyncProjectionBatch.AfterSeqId"/> is 0). Yields, now and then, how many events it has read so far,
    /// for the rebuild's progress. Throwing rolls the pass back: the rebuild then replays in batches, which isolates
    /// the failing events as dead letters.
    /// </summary>
    IAsyncEnumerable<long> FillFromZeroAsync(AsyncProjectionBatch batch, CancellationToken cancellationToken);
}
