using System.Net.Sockets;
using Npgsql;

namespace ChipRegistry.Api.Problems;

/// <summary>
/// The one failure that is neither the request's fault nor a bug: PostgreSQL cannot be reached, is shutting down,
/// is starting up or takes no more connections. Such a request is 503 <c>database_unavailable</c> with
/// <c>Retry-After</c>; every other database error stays a logged 500.
/// </summary>
public static class DatabaseUnavailable
{
    public const string Code = "database_unavailable";

    /// <summary>Seconds a client waits before retrying: about the time a restarted server takes to accept connections.</summary>
    public const int RetryAfterSeconds = 5;

    // 08xxx connection exceptions, 53300 too_many_connections, 57P01 admin_shutdown, 57P02 crash_shutdown,
    // 57P03 cannot_connect_now (starting up or in recovery).
    private static readonly string[] UnavailableStates = ["53300", "57P01", "57P02", "57P03"];

    public static bool Is(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case PostgresException postgres:
                    return postgres.SqlState.StartsWith("08", StringComparison.Ordinal) || UnavailableStates.Contains(postgres.SqlState);
                // Npgsql's own failures (not the server's answer): the socket, a broken stream, a connect or pool timeout.
                case NpgsqlException npgsql when npgsql.InnerException is SocketException or IOException or TimeoutException:
                    return true;
                case SocketException:
                    return true;
            }
        }
        return false;
    }

    public static ApiProblemException Problem() =>
        new(StatusCodes.Status503ServiceUnavailable, Code, "The registry's database is unavailable.", $"Retry in {RetryAfterSeconds} seconds.")
        {
            RetryAfterSeconds = RetryAfterSeconds,
        };
}
