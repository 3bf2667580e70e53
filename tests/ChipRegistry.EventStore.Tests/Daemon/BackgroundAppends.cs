using ChipRegistry.EventStore.Tests.Support;

namespace ChipRegistry.EventStore.Tests.Daemon;

/// <summary>
/// Appends one event per transaction to nine <c>during-*</c> streams until stopped, counting them: the writes a
/// rebuild has to keep up with while it runs.
/// </summary>
public sealed class BackgroundAppends
{
    private int count;

    private BackgroundAppends(PostgresEventStore store, CancellationToken stop)
    {
        Completion = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var n = Volatile.Read(ref count);
                await store.AppendAsync(new StreamAppend($"during-{n % 9}", ExpectedVersion.Any, TestEvents.Moved($"d{n}")), TestEvents.By(), CancellationToken.None);
                Interlocked.Increment(ref count);
            }
        }, CancellationToken.None);
    }

    public int Count => Volatile.Read(ref count);

    /// <summary>Ends after <c>stop</c> is cancelled and the append in flight has committed.</summary>
    public Task Completion { get; }

    public static BackgroundAppends Start(PostgresEventStore store, CancellationToken stop) => new(store, stop);
}
