using System.Diagnostics;
using System.Globalization;
using ChipRegistry.EventStore;
using Marten;
using Npgsql;
using NpgsqlTypes;

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

    public static async Task RunAsync(BenchSettings settings, NpgsqlDataSource dataSource, DocumentStore? marten)
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
        await EventStoreBenchmark.PhaseAsync(settings, dataSource, "set-based projection, SQL side");
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

        await EventStoreBenchmark.PhaseAsync(settings, dataSource, "set-based projection, our daemon");
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

        if (marten is not null)
        {
            await PerEventAsync(settings, dataSource, marten);
        }
    }

    /// <summary>Our schema for the per-event leg: fresh, so our mark starts from 0 like Marten's.</summary>
    private const string PerEventSchema = "bench_daemon_events";

    private const string RegistrationsTable = "(stream_key text primary key, version bigint not null, serial text not null, lot text not null, fabricated_at timestamptz not null)";

    /// <summary>
    /// One per-event projection (a row per registration) on both daemons over N fresh events each:
    /// ours through IAsyncProjection, Marten's async daemon with one EventProjection; the same
    /// output table on both sides, compared at the end.
    /// </summary>
    private static async Task PerEventAsync(BenchSettings settings, NpgsqlDataSource dataSource, DocumentStore marten)
    {
        Log($"per-event daemon leg: {settings.Events} events on each daemon");
        var options = new EventStoreOptions(BenchEvents.Registry()) { Schema = PerEventSchema, NotifyOnAppend = false };
        var store = await PostgresEventStore.StartAsync(dataSource, options);
        for (var start = 0; start < settings.Events; start += settings.BulkCallSize)
        {
            var end = Math.Min(settings.Events, start + settings.BulkCallSize);
            await store.StartStreamsAsync("chip",
                Enumerable.Range(start, end - start).Select(i => new NewStream($"chip:{i:D10}", new NewEvent(BenchEvents.Registered(i), BenchEvents.Start))),
                new AppendMetadata("org-bench"));
            await MartenLegs.BulkCopyRangeAsync(marten, start, end - start);
        }
        await using (var create = dataSource.CreateCommand($"create table {MartenPeer.DaemonSchema}.registrations {RegistrationsTable}"))
        {
            await create.ExecuteNonQueryAsync();
        }
        foreach (var table in new[] { $"{PerEventSchema}.events", $"{PerEventSchema}.streams", $"{MartenPeer.DaemonSchema}.mt_events", $"{MartenPeer.DaemonSchema}.mt_streams" })
        {
            await using var analyze = dataSource.CreateCommand($"vacuum analyze {table}");
            await analyze.ExecuteNonQueryAsync();
        }

        await EventStoreBenchmark.PhaseAsync(settings, dataSource, null);
        Log("our daemon, per-event projection");
        var daemonOptions = new ProjectionDaemonOptions
        {
            Projections = [new AsyncProjectionRegistration(new RegistrationsProjection())],
            BatchSize = PerEventBatchSize,
            MarkPageSize = 1_000_000,
            PollInterval = TimeSpan.FromMilliseconds(100),
        };
        var clock = Stopwatch.StartNew();
        using (var daemon = new ProjectionDaemon(store, daemonOptions))
        {
            await daemon.PrepareAsync();
            clock.Restart();
            await daemon.StartAsync(CancellationToken.None);
            await daemon.WaitForCatchUpAsync();
            clock.Stop();
            await daemon.StopAsync(CancellationToken.None);
        }
        var ours = clock.Elapsed;
        await EventStoreBenchmark.PhaseAsync(settings, dataSource, "per-event projection, our daemon");

        Log("Marten's async daemon, per-event projection");
        clock.Restart();
        using (var daemon = await marten.BuildProjectionDaemonAsync(logger: new StderrLogger("marten")))
        {
            await daemon.StartAllAsync();
            await daemon.WaitForNonStaleData(TimeSpan.FromMinutes(30));
            clock.Stop();
            await daemon.StopAllAsync();
        }
        var theirs = clock.Elapsed;
        await EventStoreBenchmark.PhaseAsync(settings, dataSource, "per-event projection, Marten's daemon");

        await using (var compare = dataSource.CreateCommand(
            $"""
            select count(*) = 0 and (select count(*) from {PerEventSchema}.registrations) = $1 from (
                (select * from {PerEventSchema}.registrations except select * from {MartenPeer.DaemonSchema}.registrations)
                union all
                (select * from {MartenPeer.DaemonSchema}.registrations except select * from {PerEventSchema}.registrations)) d
            """))
        {
            compare.Parameters.Add(new NpgsqlParameter<long> { TypedValue = settings.Events });
            Print("daemon_matches_marten", (await compare.ExecuteScalarAsync() is true) ? "true" : "false");
        }
        var ourRate = settings.Events / ours.TotalSeconds;
        var martenRate = settings.Events / theirs.TotalSeconds;
        Print("daemon_per_event_batch_size", PerEventBatchSize.ToString(CultureInfo.InvariantCulture));
        Print("daemon_per_event_events_per_s", ourRate.ToString("F0", CultureInfo.InvariantCulture));
        Print("marten_daemon_events_per_s", martenRate.ToString("F0", CultureInfo.InvariantCulture));
        Print("daemon_vs_marten", (ourRate / martenRate).ToString("F2", CultureInfo.InvariantCulture));
    }

    private const int PerEventBatchSize = 50_000;

    /// <summary>Our per-event projection: each registration event becomes one row, written as one statement per batch.</summary>
    private sealed class RegistrationsProjection : IAsyncProjection
    {
        public string Name => "registrations";

        public IReadOnlyList<ProjectionTable> Tables { get; } = [new("registrations", RegistrationsTable)];

        public async Task ApplyAsync(AsyncProjectionBatch batch, CancellationToken cancellationToken)
        {
            var keys = new List<string>(batch.Events.Count);
            var versions = new List<long>(batch.Events.Count);
            var serials = new List<string>(batch.Events.Count);
            var lots = new List<string>(batch.Events.Count);
            var fabricated = new List<DateTime>(batch.Events.Count);
            foreach (var e in batch.Events)
            {
                if (e.Data is ChipRegistered registered)
                {
                    keys.Add(e.StreamKey);
                    versions.Add(e.Version);
                    serials.Add(registered.Serial);
                    lots.Add(registered.Lot);
                    fabricated.Add(registered.FabricatedAt.ToDateTimeUtc());
                }
            }
            if (keys.Count == 0)
            {
                return;
            }
            await using var command = batch.CreateCommand(
                $"""
                insert into {batch.Table("registrations")} (stream_key, version, serial, lot, fabricated_at)
                select * from unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::timestamptz[])
                """);
            command.Parameters.Add(new NpgsqlParameter<List<string>> { TypedValue = keys });
            command.Parameters.Add(new NpgsqlParameter<List<long>> { TypedValue = versions });
            command.Parameters.Add(new NpgsqlParameter<List<string>> { TypedValue = serials });
            command.Parameters.Add(new NpgsqlParameter<List<string>> { TypedValue = lots });
            command.Parameters.Add(new NpgsqlParameter<List<DateTime>> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, TypedValue = fabricated });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
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
