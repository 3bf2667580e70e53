namespace ChipRegistry.EventStore.Tests.Daemon;

/// <summary>
/// Another projection under a declared version, whose rebuild can be held at one of its batches (inside the batch's
/// transaction) until the test releases it: the window in which a rebuild is under way is then the test's to look into.
/// </summary>
public sealed class GatedProjection(IAsyncProjection inner, int version, int holdAtRebuildBatch = int.MaxValue) : IAsyncProjection
{
    private readonly TaskCompletionSource held = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int rebuildBatches;

    public string Name => inner.Name;

    public int Version => version;

    public IReadOnlyList<ProjectionTable> Tables => inner.Tables;

    /// <summary>Completes when the rebuild reaches the held batch.</summary>
    public Task Held => held.Task;

    public void Release() => released.TrySetResult();

    public async Task ApplyAsync(AsyncProjectionBatch batch, CancellationToken cancellationToken)
    {
        if (batch.Rebuilding && Interlocked.Increment(ref rebuildBatches) == holdAtRebuildBatch)
        {
            held.TrySetResult();
            await released.Task.WaitAsync(cancellationToken);
        }
        await inner.ApplyAsync(batch, cancellationToken);
    }
}
