namespace ChipRegistry.EventStore;

/// <summary>
/// PostgreSQL aborted the transaction to break a deadlock (40P01) or a serialization failure
/// (40001). Nothing was written; the same call may simply be tried again.
/// </summary>
public sealed class TransientEventStoreException : Exception
{
    internal TransientEventStoreException(Npgsql.PostgresException cause)
        : base($"The transaction was aborted by PostgreSQL ({cause.SqlState}) and may be retried.", cause) => SqlState = cause.SqlState;

    public TransientEventStoreException()
        : base("The transaction was aborted by PostgreSQL and may be retried.") => SqlState = "";

    public TransientEventStoreException(string message)
        : base(message) => SqlState = "";

    public TransientEventStoreException(string message, Exception innerException)
        : base(message, innerException) => SqlState = "";

    public string SqlState { get; }
}
