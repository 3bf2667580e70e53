using ChipRegistry.EventStore;
using Npgsql;

namespace ChipRegistry.Api.Chips.Lots;

/// <summary>
/// One PostgreSQL session-level advisory lock per lot id, across every API instance: a lot's id is checked for
/// novelty and its chips committed under it, so two requests naming the same new lot id run one after the other
/// and the second finds the first's chips. Session-level, on its own connection, because the lot's bulk append
/// runs in a transaction of the store's own.
/// </summary>
public sealed class LotIdLocks(NpgsqlDataSource dataSource, IEventStore store)
{
    public async Task<IAsyncDisposable> AcquireAsync(string lotId, CancellationToken cancellationToken)
    {
        var name = $"{store.Schema}.lot:{lotId}";
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var acquire = new NpgsqlCommand("select pg_advisory_lock(hashtextextended($1, 0))", connection);
            acquire.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
            await acquire.ExecuteNonQueryAsync(cancellationToken);
            return new Held(connection, name);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private sealed class Held(NpgsqlConnection connection, string name) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await using var release = new NpgsqlCommand("select pg_advisory_unlock(hashtextextended($1, 0))", connection);
                release.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
                await release.ExecuteNonQueryAsync(CancellationToken.None);
            }
            finally
            {
                // Npgsql resets a pooled session (DISCARD ALL) before reuse, which releases the lock should the unlock fail.
                await connection.DisposeAsync();
            }
        }
    }
}
