using System.Diagnostics;
using System.Globalization;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.EventStore;
using ChipRegistry.LocalPostgres;
using Marten;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace ChipRegistry.Bench;

/// <summary>
/// The store's bulk and single appends side by side with raw PostgreSQL doing the same writes on
/// the same throwaway cluster: binary COPY into a bare table with the events table's indexes,
/// and single-row INSERT transactions. Prints name: value lines; asserts nothing.
/// </summary>
internal static class EventStoreBenchmark
{
    private const string Organisation = "org-bench";

    public static async Task RunAsync(BenchSettings settings)
    {
        Log("starting a throwaway cluster");
        var cluster = ThrowawayClusters.Start(ClusterOwner.Current, Log);
        try
        {
            if (settings.Statements)
            {
                Log("pg_stat_statements on (the cluster restarts once)");
                await Statements.EnableAsync(cluster);
            }
            var connectionString = new NpgsqlConnectionStringBuilder(cluster.ConnectionString())
            {
                MaxPoolSize = 64,
                // Both sides get prepared statements: the comparison is of the SQL, not of parsing.
                MaxAutoPrepare = 32,
                AutoPrepareMinUsages = 2,
                CommandTimeout = 0,
            }.ConnectionString;
            await using var dataSource = new NpgsqlDataSourceBuilder(connectionString).UseNodaTime().Build();
            await RunAsync(settings, dataSource, connectionString);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            cluster.Remove();
        }
    }

    private static async Task RunAsync(BenchSettings settings, NpgsqlDataSource dataSource, string connectionString)
    {
        Print("events", settings.Events.ToString(CultureInfo.InvariantCulture));
        Print("seconds_per_leg", settings.Seconds.ToString(CultureInfo.InvariantCulture));
        Print("commit", settings.Commit);
        Print("peer", settings.Peer);
        Print("only", settings.Only);
        Print("cores", Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture));
        foreach (var setting in new[] { "server_version", "fsync", "synchronous_commit", "shared_buffers" })
        {
            await using var show = dataSource.CreateCommand($"show {setting}");
            Print(setting, (string)(await show.ExecuteScalarAsync())!);
        }

        var options = new EventStoreOptions(BenchEvents.Registry()) { Schema = "bench" };
        var store = await PostgresEventStore.StartAsync(dataSource, options);
        var quiet = PostgresEventStore.Create(dataSource, new EventStoreOptions(options.EventTypes) { Schema = "bench", NotifyOnAppend = false });
        await CreateRawTableAsync(dataSource);
        var serializer = new EventSerializer(options.EventTypes);
        var commands = await CommandLegs.StartAsync(dataSource);

        // Marten's schemas are applied once, here, before any leg: two hosts creating them at once can fail with 23505.
        using var marten = settings.WithMarten ? MartenPeer.Appends(connectionString) : null;
        using var martenCommands = settings.WithMarten ? MartenPeer.Commands(connectionString) : null;
        using var martenDaemon = settings.WithMarten ? MartenPeer.Daemon(connectionString) : null;
        if (settings.WithMarten)
        {
            Log($"applying Marten {MartenPeer.Version}'s schemas ({MartenPeer.AppendSchema}, {MartenPeer.CommandSchema}, {MartenPeer.DaemonSchema})");
            await MartenPeer.ApplySchemaAsync(marten!, martenCommands!, martenDaemon!);
            foreach (var (name, value) in MartenPeer.Settings())
            {
                Print(name, value);
            }
            await MartenLegs.RegisterChipsAsync(martenCommands!, CommandLegs.Lot, CommandLegs.ChipIds);
        }

        Log("warming up");
        if (settings.Runs("bulk"))
        {
            await BulkLegsAsync(settings, dataSource, store, serializer, marten);
        }
        if (settings.Runs("single") || settings.Runs("commands"))
        {
            await TimedLegsAsync(settings, dataSource, store, quiet, serializer, commands, marten, martenCommands);
        }
        if (settings.Runs("daemon"))
        {
            await DaemonBenchmark.RunAsync(settings, dataSource, martenDaemon);
        }
    }

    private static async Task BulkLegsAsync(
        BenchSettings settings, NpgsqlDataSource dataSource, PostgresEventStore store, EventSerializer serializer, DocumentStore? marten)
    {
        var warmUp = Math.Min(settings.Events, 20_000);
        await BulkAppendAsync(store, -1, 0, warmUp);
        await RawCopyAsync(dataSource, serializer, -1, 0, warmUp);
        if (marten is not null)
        {
            await MartenLegs.BulkSessionAsync(marten, -1, 0, warmUp);
            await MartenLegs.BulkCopyAsync(marten, "c", -1, 0, warmUp);
        }

        // Call by call in alternation, so both sides meet the same table sizes, checkpoints and JIT state.
        Log($"bulk creation of {settings.Events} streams vs raw COPY of the same rows, {settings.BulkCallSize} per call");
        await PhaseAsync(settings, dataSource, null);
        var bulk = TimeSpan.Zero;
        var raw = TimeSpan.Zero;
        var martenSession = TimeSpan.Zero;
        var martenCopy = TimeSpan.Zero;
        for (var from = 0; from < settings.Events; from += settings.BulkCallSize)
        {
            var count = Math.Min(settings.BulkCallSize, settings.Events - from);
            raw += await RawCopyAsync(dataSource, serializer, 0, from, count);
            bulk += await BulkAppendAsync(store, 0, from, count);
            if (marten is not null)
            {
                martenSession += await MartenLegs.BulkSessionAsync(marten, 0, from, count);
                martenCopy += await MartenLegs.BulkCopyAsync(marten, "c", 0, from, count);
            }
        }
        var bulkLeg = new Measurement(settings.Events, bulk, []);
        var rawCopy = new Measurement(settings.Events, raw, []);
        Print("bulk_append_events_per_s", Rate(bulkLeg));
        Print("raw_copy_rows_per_s", Rate(rawCopy));
        Print("bulk_append_ratio", Ratio(bulkLeg, rawCopy));
        if (marten is not null)
        {
            var session = new Measurement(settings.Events, martenSession, []);
            var copy = new Measurement(settings.Events, martenCopy, []);
            Print("marten_bulk_session_events_per_s", Rate(session));
            Print("marten_bulk_copy_events_per_s", Rate(copy));
            Print("bulk_vs_marten", Ratio(bulkLeg, session.PerSecond >= copy.PerSecond ? session : copy));
        }
        await PhaseAsync(settings, dataSource, "bulk (all sides)");
    }

    private static async Task TimedLegsAsync(
        BenchSettings settings, NpgsqlDataSource dataSource, PostgresEventStore store, PostgresEventStore quiet, EventSerializer serializer,
        ChipPipeline commands, DocumentStore? marten, DocumentStore? martenCommands)
    {
        // Every timed path runs a few operations per writer first (JIT, prepared statements, Marten's first session).
        await WarmUpAsync((writer, i) => RawInsertAsync(dataSource, serializer, -1, writer, i));
        await WarmUpAsync((writer, i) => SingleAppendAsync(store, "w", writer, i));
        await WarmUpAsync((writer, i) => CommandLegs.OurCommandLeg(commands, writer, i));
        if (marten is not null)
        {
            await WarmUpAsync((writer, i) => MartenLegs.SingleAppendAsync(marten, "w", writer, i));
            await WarmUpAsync((writer, i) => MartenLegs.FetchForWritingAsync(martenCommands!, CommandLegs.ChipOf(writer, i), CommandLegs.At(i)));
        }

        await PhaseAsync(settings, dataSource, null);
        // The timed legs take turns in rounds, so none of them alone meets the largest tables.
        var rounds = settings.Seconds >= 9 ? 3 : 1;
        var slice = settings.Leg / rounds;
        if (settings.Runs("single"))
        {
            await SingleLegsAsync(settings, dataSource, store, quiet, serializer, marten, rounds, slice);
        }
        if (settings.Runs("commands"))
        {
            await CommandLegsAsync(settings, dataSource, commands, martenCommands, rounds, slice);
        }
    }

    private static async Task SingleLegsAsync(
        BenchSettings settings, NpgsqlDataSource dataSource, PostgresEventStore store, PostgresEventStore quiet, EventSerializer serializer,
        DocumentStore? marten, int rounds, TimeSpan slice)
    {
        var rawInsert = Measurement.None;
        var single = Measurement.None;
        var singleQuiet = Measurement.None;
        var martenSingle = Measurement.None;
        for (var round = 0; round < rounds; round++)
        {
            Log($"round {round + 1}/{rounds}: single-row INSERT transactions, single appends, single appends without NOTIFY{(marten is null ? "" : ", Marten's quick appends")}; {BenchSettings.Writers} writers, {slice.TotalSeconds:F1} s each");
            rawInsert += await TimeBoxAsync(dataSource, slice, (writer, i) => RawInsertAsync(dataSource, serializer, round, writer, i));
            single += await TimeBoxAsync(dataSource, slice, (writer, i) => SingleAppendAsync(store, $"n{round}", writer, i));
            singleQuiet += await TimeBoxAsync(dataSource, slice, (writer, i) => SingleAppendAsync(quiet, $"q{round}", writer, i));
            if (marten is not null)
            {
                martenSingle += await TimeBoxAsync(dataSource, slice, (writer, i) => MartenLegs.SingleAppendAsync(marten, $"m{round}", writer, i));
            }
        }
        await PhaseAsync(settings, dataSource, "single (all sides)");
        Print("single_append_per_s", Rate(single));
        Print("raw_insert_per_s", Rate(rawInsert));
        Print("single_append_ratio", Ratio(single, rawInsert));
        Print("single_append_p99_ms", Milliseconds(single.P99Milliseconds));
        PrintCpu("single_append", single);
        Print("raw_insert_p99_ms", Milliseconds(rawInsert.P99Milliseconds));
        Print("single_append_per_s_no_notify", Rate(singleQuiet));
        if (marten is not null)
        {
            Print("marten_single_append_per_s", Rate(martenSingle));
            Print("marten_single_append_p99_ms", Milliseconds(martenSingle.P99Milliseconds));
            PrintCpu("marten_single_append", martenSingle);
            Print("single_vs_marten", Ratio(single, martenSingle));
        }
    }

    private static async Task CommandLegsAsync(
        BenchSettings settings, NpgsqlDataSource dataSource, ChipPipeline commands, DocumentStore? martenCommands, int rounds, TimeSpan slice)
    {
        // Commands: load, decide, append with the chip-state projection, against Marten's
        // FetchForWriting on an inline snapshot; the same chips, the same decision, in rounds.
        var command = Measurement.None;
        var fetchForWriting = Measurement.None;
        var offset = 1_000_000L;
        for (var round = 0; round < rounds; round++)
        {
            Log($"round {round + 1}/{rounds}: chip commands through the domain{(martenCommands is null ? "" : ", Marten's FetchForWriting")}; {BenchSettings.Writers} writers, {slice.TotalSeconds:F1} s each");
            var first = offset;
            command += await TimeBoxAsync(dataSource, slice, (writer, i) => CommandLegs.OurCommandLeg(commands, writer, first + i));
            if (martenCommands is not null)
            {
                fetchForWriting += await TimeBoxAsync(dataSource, slice, (writer, i) =>
                    MartenLegs.FetchForWritingAsync(martenCommands, CommandLegs.ChipOf(writer, first + i), CommandLegs.At(first + i)));
            }
            offset += 1_000_000;
        }
        await PhaseAsync(settings, dataSource, "commands (both sides)");
        Print("command_per_s", Rate(command));
        Print("command_p99_ms", Milliseconds(command.P99Milliseconds));
        PrintCpu("command", command);
        if (martenCommands is not null)
        {
            Print("marten_fetch_for_writing_per_s", Rate(fetchForWriting));
            Print("marten_fetch_for_writing_p99_ms", Milliseconds(fetchForWriting.P99Milliseconds));
            PrintCpu("marten_fetch_for_writing", fetchForWriting);
            Print("command_vs_marten", Ratio(command, fetchForWriting));
        }
    }

    /// <summary>With --statements: reports the phase just ended (if named) and resets the counters for the next.</summary>
    internal static async Task PhaseAsync(BenchSettings settings, NpgsqlDataSource dataSource, string? ended)
    {
        if (!settings.Statements)
        {
            return;
        }
        if (ended is not null)
        {
            await Statements.ReportAsync(dataSource, ended);
        }
        await Statements.ResetAsync(dataSource);
    }

    private static async Task CreateRawTableAsync(NpgsqlDataSource dataSource)
    {
        // The events table's columns and indexes, without the store around it.
        await using var create = dataSource.CreateCommand(
            """
            create schema bench_raw;
            create sequence bench_raw.events_seq_id as bigint cache 1;
            create table bench_raw.events (
                seq_id bigint primary key default nextval('bench_raw.events_seq_id'),
                event_id uuid not null,
                stream_key text not null,
                version bigint not null,
                type text not null,
                data jsonb not null,
                occurred_at timestamptz not null,
                recorded_at timestamptz not null default now(),
                correlation_id text,
                causation_id text,
                acting_organisation text not null,
                idempotency_key text,
                unique (stream_key, version));
            create index on bench_raw.events (type, seq_id);
            """);
        await create.ExecuteNonQueryAsync();
    }

    private static string Key(int round, long i) => $"nvidia:{round}:{i:D10}";

    /// <summary>One bulk call creating streams from..from+count, each with one registration event.</summary>
    private static async Task<TimeSpan> BulkAppendAsync(PostgresEventStore store, int round, int from, int count)
    {
        var clock = Stopwatch.StartNew();
        var streams = Enumerable.Range(from, count).Select(i => new NewStream(Key(round, i), new NewEvent(BenchEvents.Registered(i), BenchEvents.Start)));
        await store.StartStreamsAsync("chip", streams, new AppendMetadata(Organisation));
        return clock.Elapsed;
    }

    /// <summary>One binary COPY of the same event rows straight into the bare table.</summary>
    private static async Task<TimeSpan> RawCopyAsync(NpgsqlDataSource dataSource, EventSerializer serializer, int round, int from, int count)
    {
        var clock = Stopwatch.StartNew();
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var writer = await connection.BeginBinaryImportAsync(
            "copy bench_raw.events (event_id, stream_key, version, type, data, occurred_at, acting_organisation) from stdin (format binary)");
        for (var i = from; i < from + count; i++)
        {
            var data = BenchEvents.Registered(i);
            await writer.StartRowAsync();
            await writer.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
            await writer.WriteAsync(Key(round, i), NpgsqlDbType.Text);
            await writer.WriteAsync(1L, NpgsqlDbType.Bigint);
            await writer.WriteAsync(serializer.TypeNameOf(data), NpgsqlDbType.Text);
            await writer.WriteAsync(serializer.Serialize(data), NpgsqlDbType.Jsonb);
            await writer.WriteAsync(PostgresTime.Truncate(BenchEvents.Start), NpgsqlDbType.TimestampTz);
            await writer.WriteAsync(Organisation, NpgsqlDbType.Text);
        }
        await writer.CompleteAsync();
        return clock.Elapsed;
    }

    private static async Task SingleAppendAsync(PostgresEventStore store, string leg, int writer, long i)
    {
        var expected = i == 0 ? ExpectedVersion.NoStream : ExpectedVersion.Exactly(i);
        await store.AppendAsync(new StreamAppend($"single:{leg}:{writer}", expected, new NewEvent(BenchEvents.Observed(writer, i), BenchEvents.Start)), new AppendMetadata(Organisation));
    }

    private static async Task RawInsertAsync(NpgsqlDataSource dataSource, EventSerializer serializer, int round, int writer, long i)
    {
        var data = BenchEvents.Observed(writer, i);
        await using var insert = dataSource.CreateCommand(
            "insert into bench_raw.events (event_id, stream_key, version, type, data, occurred_at, acting_organisation) values ($1, $2, $3, $4, $5, $6, $7)");
        insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = Guid.CreateVersion7() });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = $"single:raw{round}:{writer}" });
        insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = i + 1 });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = serializer.TypeNameOf(data) });
        insert.Parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Jsonb, TypedValue = serializer.Serialize(data) });
        insert.Parameters.Add(new NpgsqlParameter<Instant> { NpgsqlDbType = NpgsqlDbType.TimestampTz, TypedValue = PostgresTime.Truncate(BenchEvents.Start) });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Organisation });
        await insert.ExecuteNonQueryAsync();
    }

    private static Task WarmUpAsync(Func<int, long, Task> operation) =>
        Task.WhenAll(Enumerable.Range(0, BenchSettings.Writers).Select(writer => Task.Run(async () =>
        {
            for (long i = 0; i < 20; i++)
            {
                await operation(writer, i);
            }
        })));

    /// <summary>Runs the operation from every writer in a loop until the leg's time is up.</summary>
    private static async Task<Measurement> TimeBoxAsync(NpgsqlDataSource dataSource, TimeSpan leg, Func<int, long, Task> operation)
    {
        var latencies = new List<double>[BenchSettings.Writers];
        var cpu = await CpuClock.ReadAsync(dataSource);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, BenchSettings.Writers).Select(writer => Task.Run(async () =>
        {
            var mine = latencies[writer] = [];
            for (long i = 0; clock.Elapsed < leg; i++)
            {
                var started = Stopwatch.GetTimestamp();
                await operation(writer, i);
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        })));
        var elapsed = clock.Elapsed;
        cpu = await CpuClock.ReadAsync(dataSource) - cpu;
        var all = latencies.SelectMany(l => l).ToArray();
        return new Measurement(all.Length, elapsed, all) { Cpu = cpu };
    }

    private static string Milliseconds(double ms) => ms.ToString("F2", CultureInfo.InvariantCulture);

    private static string Rate(Measurement m) => m.PerSecond.ToString("F0", CultureInfo.InvariantCulture);

    private static string Ratio(Measurement store, Measurement raw) => (store.PerSecond / raw.PerSecond).ToString("F2", CultureInfo.InvariantCulture);

    private static void Print(string name, string value) => Console.WriteLine($"{name}: {value}");

    private static void Log(string message) => Console.Error.WriteLine($"[bench] {message}");

    /// <summary>Microseconds of CPU per operation on the client's and the server's side (see <see cref="CpuClock"/>).</summary>
    private static void PrintCpu(string name, Measurement m)
    {
        Print($"{name}_client_cpu_us", (m.Cpu.Client.TotalMicroseconds / Math.Max(1, m.Operations)).ToString("F0", CultureInfo.InvariantCulture));
        Print($"{name}_server_cpu_us", (m.Cpu.Server.TotalMicroseconds / Math.Max(1, m.Operations)).ToString("F0", CultureInfo.InvariantCulture));
    }

    private sealed record Measurement(long Operations, TimeSpan Elapsed, double[] LatenciesMs)
    {
        public static Measurement None { get; } = new(0, TimeSpan.Zero, []);

        /// <summary>CPU spent on both sides during the timed leg.</summary>
        public CpuClock Cpu { get; init; }

        public static Measurement operator +(Measurement a, Measurement b) =>
            new(a.Operations + b.Operations, a.Elapsed + b.Elapsed, [.. a.LatenciesMs, .. b.LatenciesMs]) { Cpu = a.Cpu + b.Cpu };

        public double PerSecond => Operations / Elapsed.TotalSeconds;

        public double P99Milliseconds
        {
            get
            {
                if (LatenciesMs.Length == 0)
                {
                    return 0;
                }
                var sorted = LatenciesMs.Order().ToArray();
                return sorted[Math.Max(0, (int)Math.Ceiling(0.99 * sorted.Length) - 1)];
            }
        }
    }
}
