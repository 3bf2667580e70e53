using Npgsql;

namespace ChipRegistry.EventStore;

/// <summary>
/// A long-lived connection outside the pool, for state that belongs to a session (an advisory
/// lock, LISTEN): a pooled connection would keep it after its use, until some random reset.
/// </summary>
internal static class DedicatedConnection
{
    public static async Task<NpgsqlConnection> OpenAsync(NpgsqlDataSource dataSource, string purpose, CancellationToken cancellationToken)
    {
        await using var template = dataSource.CreateConnection();
        var settings = new NpgsqlConnectionStringBuilder(template.ConnectionString)
        {
            Pooling = false,
            ApplicationName = $"chipregistry-daemon-{purpose}",
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
