using Npgsql;

namespace ChipRegistry.EventStore;

/// <summary>
/// The commit of an append under an idempotency key, held until the caller knows the response it answers with. An
/// append whose <see cref="AppendMetadata.ResponseCommit"/> is set does everything (events, inline projections, the
/// key's result) but commit, and hands its transaction over; <see cref="CommitAsync"/> stores the response in the
/// key's row in that transaction and commits. So the events and the response a retry replays are committed together
/// or not at all: a process that dies after the commit has kept the response, one that dies before has kept nothing.
/// Disposed without <see cref="CommitAsync"/>, the append rolls back and the key stays free. One append per commit.
/// </summary>
public sealed class ResponseCommit : IAsyncDisposable
{
    private StoreContext? context;
    private NpgsqlConnection? connection;
    private NpgsqlTransaction? transaction;
    private string organisation = "";
    private string key = "";

    /// <summary>True from the moment an append hands its transaction over until it is committed or rolled back.</summary>
    public bool HoldsAppend => transaction is not null;

    internal bool Holds(NpgsqlConnection candidate) => ReferenceEquals(connection, candidate);

    internal void Hold(StoreContext store, NpgsqlConnection appendConnection, NpgsqlTransaction appendTransaction, AppendMetadata metadata)
    {
        if (transaction is not null)
        {
            throw new InvalidOperationException("A response commit holds one append, and this one already holds another.");
        }
        context = store;
        connection = appendConnection;
        transaction = appendTransaction;
        organisation = metadata.ActingOrganisation;
        key = metadata.IdempotencyKey ?? throw new InvalidOperationException("Only an append under an idempotency key can wait for its response.");
    }

    /// <summary>Stores <paramref name="response"/> under the append's key, in the append's transaction, and commits.</summary>
    public async Task CommitAsync(StoredResponse response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (transaction is null)
        {
            throw new InvalidOperationException("No append waits for a response.");
        }
        try
        {
            await IdempotentResponses.SaveAsync(connection!, transaction, context!.Schema, organisation, key, response, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (PostgresException e) when (PostgresErrors.IsTransient(e))
        {
            throw PostgresErrors.Transient(e);
        }
        finally
        {
            await ReleaseAsync();
        }
    }

    /// <summary>Rolls back an append still held (its events and its key), and returns its connection.</summary>
    public ValueTask DisposeAsync() => ReleaseAsync();

    private async ValueTask ReleaseAsync()
    {
        var (heldTransaction, heldConnection) = (transaction, connection);
        (transaction, connection) = (null, null);
        if (heldTransaction is not null)
        {
            await heldTransaction.DisposeAsync();
        }
        if (heldConnection is not null)
        {
            await heldConnection.DisposeAsync();
        }
    }
}
