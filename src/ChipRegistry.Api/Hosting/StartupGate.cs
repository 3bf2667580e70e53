using ChipRegistry.Api.Problems;

namespace ChipRegistry.Api.Hosting;

/// <summary>
/// A request that arrives while the schema is not ready yet (migrations running, projection tables being created)
/// waits a moment for it, then is answered 503 <c>starting</c> with <c>Retry-After</c>; if the database cannot be
/// reached it is 503 <c>database_unavailable</c> at once. It never meets a missing table as a 500. The health probes
/// pass straight through: they report the start-up themselves. It stands after the rate limiter (which needs no
/// database), so a flood during start-up is still throttled, and after the dashboard's static files.
/// </summary>
public static class StartupGate
{
    public const string Code = "starting";

    /// <summary>How long a request waits for the start-up to finish: longer than a migration on an empty database.</summary>
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    private const int RetryAfterSeconds = 5;

    public static IApplicationBuilder UseStartupGate(this IApplicationBuilder app)
    {
        var readiness = app.ApplicationServices.GetRequiredService<SchemaReadiness>();
        return app.Use(async (context, next) =>
        {
            if (!readiness.WhenReady.IsCompleted && !context.Request.Path.StartsWithSegments("/health", StringComparison.Ordinal))
            {
                await WaitAsync(readiness, context.RequestAborted);
            }
            await next(context);
        });
    }

    private static async Task WaitAsync(SchemaReadiness readiness, CancellationToken aborted)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (!readiness.WhenReady.IsCompleted)
        {
            if (readiness.LastFailure is { } failure && DatabaseUnavailable.Is(failure)) throw DatabaseUnavailable.Problem();
            if (DateTime.UtcNow >= deadline)
            {
                throw new ApiProblemException(StatusCodes.Status503ServiceUnavailable, Code, "The registry is starting.",
                    $"The schema is being migrated and the projection tables created. Retry in {RetryAfterSeconds} seconds.")
                {
                    RetryAfterSeconds = RetryAfterSeconds,
                };
            }
            await Task.WhenAny(readiness.WhenReady, Task.Delay(Poll, aborted));
            aborted.ThrowIfCancellationRequested();
        }
    }
}
