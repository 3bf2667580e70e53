using Npgsql;

namespace ChipRegistry.EventStore;

/// <summary>
/// Applies the migrations that are missing, all in one transaction under a transaction-scoped
/// advisory lock keyed on the schema, so hosts starting together queue up and each version runs
/// once. The lock key is computed in SQL: .NET's string hash differs from process to process.
/// </summary>
internal sealed class SchemaMigrator(NpgsqlDataSource dataSource, SchemaName schema, IReadOnlyList<Migration> migrations)
{
    private string Table => $"{schema.Quoted}.schema_migrations";

    public async Task<IReadOnlyList<Migration>> MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var bootstrap = new NpgsqlBatch(connection, transaction))
        {
            var lockCommand = new NpgsqlBatchCommand("select pg_advisory_xact_lock(hashtextextended($1, 0))");
            lockCommand.Parameters.Add(new NpgsqlParameter { Value = $"{schema.Value}.migrations" });
            bootstrap.BatchCommands.Add(lockCommand);
            bootstrap.BatchCommands.Add(new NpgsqlBatchCommand($"create schema if not exists {schema.Quoted}"));
            bootstrap.BatchCommands.Add(new NpgsqlBatchCommand(
                $"""
                create table if not exists {Table} (
                    module     text        not null,
                    version    int         not null,
                    name       text        not null,
                    applied_at timestamptz not null default now(),
                    primary key (module, version))
                """));
            await bootstrap.ExecuteNonQueryAsync(cancellationToken);
        }

        var applied = await ReadAppliedAsync(connection, transaction, cancellationToken);
        var missing = migrations.Where(m => !applied.Contains((m.Module, m.Version))).ToList();
        foreach (var migration in missing)
        {
            await using var apply = new NpgsqlCommand(migration.Sql.Replace(Migration.SchemaToken, schema.Quoted, StringComparison.Ordinal), connection, transaction);
            await apply.ExecuteNonQueryAsync(cancellationToken);
            await using var record = new NpgsqlCommand($"insert into {Table} (module, version, name) values ($1, $2, $3)", connection, transaction);
            record.Parameters.Add(new NpgsqlParameter { Value = migration.Module });
            record.Parameters.Add(new NpgsqlParameter { Value = migration.Version });
            record.Parameters.Add(new NpgsqlParameter { Value = migration.Name });
            await record.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return missing;
    }

    /// <summary>True when every migration this store knows of is recorded as applied.</summary>
    public async Task<bool> IsCurrentAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var exists = new NpgsqlCommand("select to_regclass($1) is not null", connection))
        {
            exists.Parameters.Add(new NpgsqlParameter { Value = Table });
            if (await exists.ExecuteScalarAsync(cancellationToken) is not true)
            {
                return false;
            }
        }
        var applied = await ReadAppliedAsync(connection, null, cancellationToken);
        return migrations.All(m => applied.Contains((m.Module, m.Version)));
    }

    private async Task<HashSet<(string, int)>> ReadAppliedAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        var applied = new HashSet<(string, int)>();
        await using var read = new NpgsqlCommand($"select module, version from {Table}", connection, transaction);
        await using var reader = await read.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            applied.Add((reader.GetString(0), reader.GetInt32(1)));
        }
        return applied;
    }
}
