using Npgsql;

namespace ChipRegistry.Cli.Database;

/// <summary>Databases and roles that tests named with the test prefix and failed to drop.</summary>
internal static class TestLeftovers
{
    public static async Task<IReadOnlyList<string>> FindAsync(string connectionString, string prefix, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            """
            select 'database ' || datname from pg_database where starts_with(datname, $1)
            union all
            select 'role ' || rolname from pg_roles where starts_with(rolname, $1)
            order by 1
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = prefix });
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            names.Add(reader.GetString(0));
        }
        return names;
    }
}
