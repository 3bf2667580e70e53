using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ChipRegistry.Domain.Tests.Persistence;

/// <summary>
/// Every SQL statement a data source executes, as Npgsql logs it (category <c>Npgsql.Command</c>), so a test can
/// count what one command reads and writes.
/// </summary>
public sealed class StatementLog : ILoggerFactory
{
    private readonly ConcurrentQueue<string> statements = new();
    private volatile bool recording;

    public IReadOnlyList<string> Statements => [.. statements];

    /// <summary>Starts recording afresh: everything executed from now on is kept.</summary>
    public void Start()
    {
        statements.Clear();
        recording = true;
    }

    public void Stop() => recording = false;

    /// <summary>The recorded statements that read <paramref name="table"/> (a select naming it).</summary>
    public IReadOnlyList<string> ReadsOf(string table) =>
        [.. Statements.Where(s => s.Contains("select", StringComparison.OrdinalIgnoreCase) && Names(s, table) && !s.TrimStart().StartsWith("insert", StringComparison.OrdinalIgnoreCase)
            && !s.TrimStart().StartsWith("update", StringComparison.OrdinalIgnoreCase) && !s.TrimStart().StartsWith("with", StringComparison.OrdinalIgnoreCase))];

    private static bool Names(string sql, string table) =>
        sql.Contains($".{table} ", StringComparison.Ordinal) || sql.Contains($".{table}\n", StringComparison.Ordinal) || sql.Contains($".{table}\r", StringComparison.Ordinal)
        || sql.EndsWith($".{table}", StringComparison.Ordinal) || sql.Contains($".\"{table}\"", StringComparison.Ordinal);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class Logger(StatementLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => category.StartsWith("Npgsql.Command", StringComparison.Ordinal);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            // Npgsql logs a command when it starts and again when it completes: count each execution once.
            if (!log.recording || !IsEnabled(logLevel) || eventId.Name?.Contains("Completed", StringComparison.Ordinal) != true) return;
            if (state is IReadOnlyList<KeyValuePair<string, object?>> fields && fields.FirstOrDefault(f => f.Key == "CommandText").Value is string sql)
            {
                log.statements.Enqueue(sql);
            }
            else if (state is IReadOnlyList<KeyValuePair<string, object?>> batch && batch.FirstOrDefault(f => f.Key == "BatchCommands").Value is IEnumerable<object> commands)
            {
                foreach (var command in commands) log.statements.Enqueue(command.ToString() ?? "");
            }
        }
    }
}
