using System.Globalization;
using ChipRegistry.LocalPostgres;
using Npgsql;

namespace ChipRegistry.Bench;

/// <summary>
/// With --statements: pg_stat_statements in the throwaway cluster (preloaded, so the cluster
/// restarts once at the start), reset before each phase and its costliest statements printed
/// after it, so a run shows where each path spends its server time. Off by default: the
/// extension's bookkeeping is a per-statement cost the figures should not carry.
/// </summary>
internal static class Statements
{
    public static async Task EnableAsync(LocalCluster cluster)
    {
        await using (var connection = new NpgsqlConnection(cluster.ConnectionString()))
        {
            await connection.OpenAsync();
            await using var alter = new NpgsqlCommand("alter system set shared_preload_libraries = 'pg_stat_statements'", connection);
            await alter.ExecuteNonQueryAsync();
        }
        NpgsqlConnection.ClearAllPools();
        cluster.Stop();
        cluster.Start();
        await using (var connection = new NpgsqlConnection(cluster.ConnectionString()))
        {
            await connection.OpenAsync();
            // Planning tracked too: a prepared statement that keeps getting custom plans is planned on every call.
            foreach (var sql in new[]
                     {
                         "create extension pg_stat_statements", "alter system set pg_stat_statements.track = 'all'",
                         "alter system set pg_stat_statements.track_planning = on", "select pg_reload_conf()",
                     })
            {
                await using var command = new NpgsqlCommand(sql, connection);
                await command.ExecuteNonQueryAsync();
            }
        }
    }

    public static async Task ResetAsync(NpgsqlDataSource dataSource)
    {
        await using var reset = dataSource.CreateCommand("select pg_stat_statements_reset()");
        await reset.ExecuteNonQueryAsync();
    }

    /// <summary>The phase's statements by total execution time, on stderr.</summary>
    public static async Task ReportAsync(NpgsqlDataSource dataSource, string phase, int top = 12)
    {
        await using var command = dataSource.CreateCommand(
            """
            select calls, total_exec_time, total_exec_time / greatest(calls, 1), rows, shared_blks_hit + shared_blks_read,
                   regexp_replace(query, '\s+', ' ', 'g'), plans, total_plan_time / greatest(plans, 1)
            from pg_stat_statements
            where query not like '%pg_stat_statements%'
            order by total_exec_time desc
            limit $1
            """);
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = top });
        await using var reader = await command.ExecuteReaderAsync();
        Console.Error.WriteLine($"[statements] {phase}: calls, total ms, mean ms, rows, blocks, plans, mean plan ms, statement");
        while (await reader.ReadAsync())
        {
            var query = reader.GetString(5);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[statements] {phase}: {reader.GetInt64(0)}, {reader.GetDouble(1):F0}, {reader.GetDouble(2):F3}, {reader.GetInt64(3)}, {reader.GetInt64(4)}, {reader.GetInt64(6)}, {reader.GetDouble(7):F3}, {query[..Math.Min(query.Length, 220)]}"));
        }
    }
}
