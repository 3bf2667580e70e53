using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ChipRegistry.Api.Tests;

/// <summary>
/// The errors the test hosts logged, newest last: a 500's body says only <c>internal_error</c>, and a test that
/// meets one must be able to say which exception it was (CI keeps no server log).
/// </summary>
public sealed class ServerErrors : ILoggerProvider
{
    private const int Kept = 20;

    private static readonly ConcurrentQueue<string> Entries = new();

    public static ServerErrors Provider { get; } = new();

    /// <summary>The last few errors any test host logged, with their exceptions.</summary>
    public static string Recent() => Entries.IsEmpty ? "(no server error logged)" : string.Join("\n---\n", Entries);

    public ILogger CreateLogger(string categoryName) => new Recorder(categoryName);

    public void Dispose()
    {
    }

    private sealed class Recorder(string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            Entries.Enqueue($"{DateTime.UtcNow:O} {category}: {formatter(state, exception)}\n{exception}");
            while (Entries.Count > Kept) Entries.TryDequeue(out _);
        }
    }
}
