namespace ChipRegistry.EventStore;

/// <summary>A wake-up that coalesces: many sets before a wait release one waiter once.</summary>
internal sealed class AsyncSignal : IDisposable
{
    private readonly SemaphoreSlim semaphore = new(0, 1);

    public void Set()
    {
        try
        {
            if (semaphore.CurrentCount == 0)
            {
                semaphore.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Already set by a concurrent caller.
        }
        catch (ObjectDisposedException)
        {
            // The daemon has stopped.
        }
    }

    /// <summary>Waits for a set or the timeout, whichever is first.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => semaphore.WaitAsync(timeout, cancellationToken);

    public void Dispose() => semaphore.Dispose();
}
