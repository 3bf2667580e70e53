using Npgsql;
using NpgsqlTypes;

namespace ChipRegistry.EventStore;

internal static class StreamVersions
{
    /// <summary>The committed version of each existing stream among <paramref name="keys"/>.</summary>
    public static async Task<Dictionary<string, long>> ReadAsync(StoreContext context, string[] keys, CancellationToken cancellationToken)
    {
        await using var connection = await context.DataSource.OpenConnectionAsync(cancellationToken);
        return await ReadAsync(connection, null, context.Schema, keys, cancellationToken);
    }

    public static async Task<Dictionary<string, long>> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, SchemaName schema, string[] keys, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"select key, version from {schema.Quoted}.streams where key = any ($1)", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = keys });
        var versions = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            versions[reader.GetString(0)] = reader.GetInt64(1);
        }
        return versions;
    }
}
