namespace ChipRegistry.Api.Hosting;

/// <summary>Completes once the schema is migrated, for start-up work that needs the tables.</summary>
public sealed class SchemaReadiness
{
    private readonly TaskCompletionSource ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task WhenReady => ready.Task;

    public void MarkReady() => ready.TrySetResult();
}
