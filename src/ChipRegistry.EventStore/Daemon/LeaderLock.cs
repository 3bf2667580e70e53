using Npgsql;

namespace ChipRegistry.EventStore;

/// <summary>
/// Leadership of one projection: a session advisory lock held on a dedicated unpooled
/// connection, keyed in SQL by schema and projection name (advisory keys are per database, and
/// .NET's string hash differs per process). Losing the connection loses the lock; the runner
/// checks before every batch, and the checkpoint's floor guard covers the time in between.
/// </summary>
internal sealed class LeaderLock : IAsyncDisposable
{
    private readonly NpgsqlConnection connection;

    private LeaderLock(NpgsqlConnection connection) => this.connection = connection;

    public int BackendProcessId => connection.ProcessID;

    /// <summary>The lock when it was free, otherwise null.</summary>
    public static async Task<LeaderLock?> TryAcquireAsync(NpgsqlDataSource dataSource, SchemaName schema, string projection, CancellationToken cancellationToken)
    {
        var connection = await DedicatedConnection.OpenAsync(dataSource, cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand("select pg_try_advisory_lock(hashtextextended($1 || '.' || $2, 0))", connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = schema.Value });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = projection });
            if (await command.ExecuteScalarAsync(cancellationToken) is true)
            {
                return new LeaderLock(connection);
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
        await connection.DisposeAsync();
        return null;
    }

    /// <summary>True while the lock's session is alive (a round trip on its connection).</summary>
    public async Task<bool> IsHeldAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var command = new NpgsqlCommand("select 1", connection);
            await command.ExecuteScalarAsync(cancellationToken);
            return true;
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    public ValueTask DisposeAsync() => connection.DisposeAsync();
}
