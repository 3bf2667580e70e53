using Npgsql;

namespace ChipRegistry.EventStore;

/// <summary>The append's open connection and transaction, lent to inline projections.</summary>
public sealed class ProjectionSession
{
    internal ProjectionSession(NpgsqlConnection connection, NpgsqlTransaction transaction, SchemaName schema)
    {
        Connection = connection;
        Transaction = transaction;
        Schema = schema;
    }

    public NpgsqlConnection Connection { get; }

    public NpgsqlTransaction Transaction { get; }

    public SchemaName Schema { get; }

    public NpgsqlCommand CreateCommand(string sql) => new(sql, Connection, Transaction);

    public NpgsqlBatch CreateBatch() => new(Connection, Transaction);
}
