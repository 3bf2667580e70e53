namespace ChipRegistry.Api.Hosting;

/// <summary>
/// Completes once the schema is migrated and the daemon's projection tables exist: everything a request or a start-up
/// task reads is there. Until then it keeps whether the last attempt found the database unreachable.
/// </summary>
public sealed class SchemaReadiness
{
    private readonly TaskCompletionSource ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile Exception? lastFailure;

    public Task WhenReady => ready.Task;

    /// <summary>Why the last attempt to make the schema ready failed, while it is not ready.</summary>
    public Exception? LastFailure => ready.Task.IsCompleted ? null : lastFailure;

    public void MarkReady() => ready.TrySetResult();

    public void NoteFailure(Exception failure) => lastFailure = failure;
}
