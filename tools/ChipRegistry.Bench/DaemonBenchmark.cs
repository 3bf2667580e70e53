using System.Diagnostics;
using System.Globalization;
using ChipRegistry.EventStore;
using Npgsql;

namespace ChipRegistry.Bench;

/// <summary>
/// The async daemon catching a count-by-stream-type projection up over N events, against one
/// server-side INSERT ... SELECT computing the same table, on the same cluster in the same run.
/// The projection is set-based (each batch one INSERT ... SELECT over its range of the events
/// table), so the comparison measures the daemon's own cost: the high-water mark, batching,
/// and a guarded checkpoint per batch.
/// </summary>
internal static class DaemonBenchmark
{
    private const string Schema = "bench_daemon";
    private static readonly string[] StreamTypes = ["chip", "lot", "facility"];

    public static async Task RunAsync(BenchSettings settings, NpgsqlDataSource dataSource)
    {
        var options = new EventStoreOptions(BenchEvents.Registry()) { Schema = Schema, NotifyOnAppend = false };
        var store = await PostgresEventStore.StartAsync(dataSource, options);
        Log($"daemon leg: {settings.Events} events over {StreamTypes.Length} stream types");
        for (var t = 0; t < StreamTypes.Length; t++)
        {
            var from = settings.Events * t / StreamTypes.Length;
            var to = settings.Events * (t + 1) / StreamTypes.Length;
            for (var start = from; start < to; start += settings.BulkCallSize)
            {
                var end = Math.Min(to, start + settings.BulkCallSize);
                await store.StartStreamsAsync(StreamTypes[t],
                    Enumerable.Range(start, end - start).Select(i => new NewStream($"{StreamTypes[t]}:{i:D10}", new NewEvent(BenchEvents.Registered(i), BenchEvents.Start))),
                    new AppendMetadata("org-bench"));
            }
        }
        foreach (var table in new[] { "events", "streams" })
        {
            await using var analyze = dataSource.CreateCommand($"vacuum analyze {Schema}.{table}");
            await analyze.ExecuteNonQueryAsync();
        }

        // The SQL side runs twice, before and after the daemon, and the faster run counts: the
        // shared machine's noise must not flatter the ratio.
        var sql = await SqlProjectionAsync(dataSource, "sql_counts");
        Log("daemon catch-up");
        var daemonOptions = new ProjectionDaemonOptions
        {
            Projections = [new AsyncProjectionRegistration(new CountByStreamType())],
            BatchSize = 500_000,
            MarkPageSize = 1_000_000,
            PollInterval = TimeSpan.FromMilliseconds(100),
        };
        using var daemon = new ProjectionDaemon(store, daemonOptions);
        await daemon.PrepareAsync();
        var clock = Stopwatch.StartNew();
        await daemon.StartAsync(CancellationToken.None);
        await daemon.WaitForCatchUpAsync();
        var catchUp = clock.Elapsed;
        await daemon.StopAsync(CancellationToken.None);

        var sqlAgain = await SqlProjectionAsync(dataSource, "sql_counts_again");
        if (sqlAgain < sql)
        {
            sql = sqlAgain;
        }

        await using (var compare = dataSource.CreateCommand(
            $"""
            select count(*) = 0 from (
                (select * from {Schema}.sql_counts except select * from {Schema}.daemon_counts)
                union all
                (select * from {Schema}.daemon_counts except select * from {Schema}.sql_counts)) d
            """))
        {
            Print("daemon_matches_sql", (await compare.ExecuteScalarAsync() is true) ? "true" : "false");
        }
        var daemonRate = settings.Events / catchUp.TotalSeconds;
        var sqlRate = settings.Events / sql.TotalSeconds;
        Print("daemon_batch_size", daemonOptions.BatchSize.ToString(CultureInfo.InvariantCulture));
        Print("daemon_mark_page_size", daemonOptions.MarkPageSize.ToString(CultureInfo.InvariantCulture));
        Print("daemon_catchup_events_per_s", daemonRate.ToString("F0", CultureInfo.InvariantCulture));
        Print("sql_projection_events_per_s", sqlRate.ToString("F0", CultureInfo.InvariantCulture));
        Print("daemon_catchup_ratio", (daemonRate / sqlRate).ToString("F2", CultureInfo.InvariantCulture));
    }

    private static async Task<TimeSpan> SqlProjectionAsync(NpgsqlDataSource dataSource, string table)
    {
        Log($"server-side INSERT ... SELECT into {table}");
        await using (var create = dataSource.CreateCommand($"create table {Schema}.{table} (stream_type text primary key, events bigint not null)"))
        {
            await create.ExecuteNonQueryAsync();
        }
        var clock = Stopwatch.StartNew();
        await using (var insert = dataSource.CreateCommand(
            $"""
            insert into {Schema}.{table} (stream_type, events)
            select s.type, count(*) from {Schema}.events e join {Schema}.streams s on s.key = e.stream_key group by s.type
            """))
        {
            await insert.ExecuteNonQueryAsync();
        }
        return clock.Elapsed;
    }

    private sealed class CountByStreamType : IAsyncProjection
    {
        public string Name => "count_by_stream_type";

        public IReadOnlyList<ProjectionTable> Tables { get; } = [new("daemon_counts", "(stream_type text primary key, events bigint not null)")];

        public bool ReadsEvents => false;

        public async Task ApplyAsync(AsyncProjectionBatch batch, CancellationToken cancellationToken)
        {
            var table = batch.Table("daemon_counts");
            await using var command = batch.CreateCommand(
                $"""
                insert into {table} as t (stream_type, events)
                select s.type, count(*)
                from {batch.EventsTable} e join {batch.StreamsTable} s on s.key = e.stream_key
                where e.seq_id > $1 and e.seq_id <= $2
                group by s.type
                on conflict (stream_type) do update set events = t.events + excluded.events
                """);
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = batch.AfterSeqId });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = batch.ThroughSeqId });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static void Print(string name, string value) => Console.WriteLine($"{name}: {value}");

    private static void Log(string message) => Console.Error.WriteLine($"[bench] {message}");
}
