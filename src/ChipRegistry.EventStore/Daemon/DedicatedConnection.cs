using Npgsql;

namespace ChipRegistry.EventStore;

/// <summary>
/// A long-lived connection outside the pool, for state that belongs to a session (an advisory
/// lock, LISTEN): a pooled connection would keep it after its use, until some random reset.
/// Every such connection of a process has one connection string, so Npgsql loads the database's
/// types for them once (a few hundred milliseconds on a busy machine): <see cref="WarmAsync"/>
/// does that while the daemon prepares, before a runner or the listener waits for it.
/// </summary>
internal static class DedicatedConnection
{
    /// <summary>Opens and closes one connection, so the next ones find the types loaded.</summary>
    public static async Task WarmAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(dataSource, cancellationToken);
    }

    public static async Task<NpgsqlConnection> OpenAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var template = dataSource.CreateConnection();
        var settings = new NpgsqlConnectionStringBuilder(template.ConnectionString)
        {
            Pooling = false,
            // One name for every purpose: another connection string would load the types again.
            ApplicationName = "chipregistry-daemon",
            // Notice a dead server or a cut network, not only a terminated backend.
            KeepAlive = 10,
        };
        // CloneWith keeps the data source's password, which its connection string may not show.
        var connection = template.CloneWith(settings.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}
