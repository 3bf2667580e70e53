using Npgsql;

namespace ChipRegistry.EventStore;

internal static class PostgresErrors
{
    public const string UniqueViolation = "23505";
    public const string DeadlockDetected = "40P01";
    private const string SerializationFailure = "40001";

    /// <summary>Deadlocks and serialization failures become the typed retryable error.</summary>
    public static bool IsTransient(PostgresException e) => e.SqlState is DeadlockDetected or SerializationFailure;

    public static TransientEventStoreException Transient(PostgresException e) => new(e);
}
