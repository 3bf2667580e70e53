using ChipRegistry.EventStore.Tests.Support;
using Npgsql;

namespace ChipRegistry.EventStore.Tests.Daemon;

/// <summary>What a chain projection's tables hold, and what they should hold given the events table.</summary>
public sealed record ChainState(long GlobalEvents, string GlobalHead, IReadOnlyDictionary<string, string> StreamHeads, long AppliedRows, long MaxTimes);

/// <summary>Helpers shared by the daemon tests: roles, daemons, appends, and the chain's expected state.</summary>
public static class DaemonTestKit
{
    public static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>Lets a non-superuser role write events and run a daemon in a schema the superuser migrated.</summary>
    public static async Task GrantAsync(StoreFixture fixture, SchemaName schema, string connectionString)
    {
        var role = new NpgsqlConnectionStringBuilder(connectionString).Username!;
        await using var command = fixture.DataSource.CreateCommand(
            $"""
            grant usage, create on schema {schema.Quoted} to "{role}";
            grant all on all tables in schema {schema.Quoted} to "{role}";
            grant all on all sequences in schema {schema.Quoted} to "{role}";
            grant execute on all functions in schema {schema.Quoted} to "{role}";
            """);
        await command.ExecuteNonQueryAsync(Cancel);
    }

    public static ProjectionDaemonOptions Options(params AsyncProjectionRegistration[] projections) => new()
    {
        Projections = projections,
        BatchSize = 100,
        PollInterval = TimeSpan.FromMilliseconds(200),
        LeadershipRetryInterval = TimeSpan.FromMilliseconds(100),
        RetryDelay = TimeSpan.FromMilliseconds(200),
    };

    public static ProjectionDaemonOptions Tuned(ProjectionDaemonOptions o, int? batchSize = null, bool? leadership = null, TimeSpan? retryDelay = null, TimeSpan? poll = null) => new()
    {
        Projections = o.Projections,
        BatchSize = batchSize ?? o.BatchSize,
        PollInterval = poll ?? o.PollInterval,
        LeadershipRetryInterval = o.LeadershipRetryInterval,
        RetryDelay = retryDelay ?? o.RetryDelay,
        UseLeadership = leadership ?? o.UseLeadership,
        StalledAfter = o.StalledAfter,
    };

    public static async Task<ProjectionDaemon> StartDaemonAsync(PostgresEventStore store, ProjectionDaemonOptions options)
    {
        var daemon = new ProjectionDaemon(store, options);
        await daemon.StartAsync(Cancel);
        return daemon;
    }

    public static async Task StopAsync(params ProjectionDaemon[] daemons)
    {
        foreach (var daemon in daemons)
        {
            await daemon.StopAsync(CancellationToken.None);
            daemon.Dispose();
        }
    }

    /// <summary>Waits for catch-up with a deadline, so a broken daemon fails the test instead of hanging it.</summary>
    public static async Task<long> CatchUpAsync(ProjectionDaemon daemon, int seconds = 60)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        timeout.CancelAfter(TimeSpan.FromSeconds(seconds));
        return await daemon.WaitForCatchUpAsync(timeout.Token);
    }

    /// <summary>Appends <paramref name="count"/> events over <paramref name="streams"/> streams, one append each.</summary>
    public static async Task AppendAsync(PostgresEventStore store, string prefix, int count, int streams = 10)
    {
        for (var i = 0; i < count; i++)
        {
            await store.AppendAsync(new StreamAppend($"{prefix}-{i % streams}", ExpectedVersion.Any, TestEvents.Moved($"{prefix}{i}")), TestEvents.By(), Cancel);
        }
    }

    /// <summary>Polls a condition (each call is one database round trip) until it holds or the deadline passes.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting until {what}");
            await Task.Delay(20, Cancel);
        }
    }

    public static async Task<ChainState> ReadChainAsync(NpgsqlDataSource dataSource, SchemaName schema, ChainProjection projection)
    {
        await using var connection = await dataSource.OpenConnectionAsync(Cancel);
        long events = 0;
        var head = "";
        await using (var command = new NpgsqlCommand($"select events, head from {schema.Quoted}.\"{projection.GlobalTable}\" where id = 1", connection))
        await using (var reader = await command.ExecuteReaderAsync(Cancel))
        {
            if (await reader.ReadAsync(Cancel))
            {
                (events, head) = (reader.GetInt64(0), reader.GetString(1));
            }
        }
        var heads = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand($"select stream_key, head from {schema.Quoted}.\"{projection.StreamsTable}\"", connection))
        await using (var reader = await command.ExecuteReaderAsync(Cancel))
        {
            while (await reader.ReadAsync(Cancel))
            {
                heads[reader.GetString(0)] = reader.GetString(1);
            }
        }
        await using var applied = new NpgsqlCommand($"select count(*), coalesce(max(times), 0) from {schema.Quoted}.\"{projection.AppliedTable}\"", connection);
        await using var counts = await applied.ExecuteReaderAsync(Cancel);
        await counts.ReadAsync(Cancel);
        return new ChainState(events, head, heads, counts.GetInt64(0), counts.GetInt32(1));
    }

    /// <summary>The chain computed from the events table in sequence order, leaving out the given events.</summary>
    public static async Task<ChainState> ExpectedChainAsync(NpgsqlDataSource dataSource, SchemaName schema, IReadOnlySet<long>? leaveOut = null)
    {
        await using var command = dataSource.CreateCommand($"select seq_id, event_id, stream_key from {schema.Quoted}.events order by seq_id");
        await using var reader = await command.ExecuteReaderAsync(Cancel);
        long events = 0;
        var head = "";
        var heads = new Dictionary<string, string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(Cancel))
        {
            if (leaveOut?.Contains(reader.GetInt64(0)) == true)
            {
                continue;
            }
            var id = reader.GetGuid(1);
            var stream = reader.GetString(2);
            heads[stream] = ChainProjection.Next(heads.GetValueOrDefault(stream, ""), id);
            head = ChainProjection.Next(head, id);
            events++;
        }
        return new ChainState(events, head, heads, events, events == 0 ? 0 : 1);
    }

    public static void AssertSameChain(ChainState expected, ChainState actual)
    {
        Assert.Equal(expected.GlobalEvents, actual.GlobalEvents);
        Assert.Equal(expected.GlobalHead, actual.GlobalHead);
        Assert.Equal(expected.StreamHeads.OrderBy(h => h.Key, StringComparer.Ordinal), actual.StreamHeads.OrderBy(h => h.Key, StringComparer.Ordinal));
        Assert.Equal(expected.AppliedRows, actual.AppliedRows);
        Assert.Equal(expected.MaxTimes, actual.MaxTimes);
    }

    public static async Task<long> MarkAsync(NpgsqlDataSource dataSource, SchemaName schema)
    {
        await using var command = dataSource.CreateCommand($"select last_seq_id from {schema.Quoted}.projection_progress where name = '$high_water_mark'");
        return (long)(await command.ExecuteScalarAsync(Cancel))!;
    }

    public static async Task<long> CountAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync(Cancel))!;
    }

    /// <summary>
    /// Opens a transaction that behaves like an append in flight: it takes its xid, then draws
    /// a sequence number by inserting an event, and stays open until committed or rolled back.
    /// </summary>
    public static async Task<(NpgsqlConnection Connection, NpgsqlTransaction Transaction, long SeqId)> HoldAppendAsync(NpgsqlDataSource dataSource, SchemaName schema, string streamKey)
    {
        var connection = await dataSource.OpenConnectionAsync(Cancel);
        var transaction = await connection.BeginTransactionAsync(Cancel);
        await using (var xid = new NpgsqlCommand("select pg_current_xact_id()", connection, transaction))
        {
            await xid.ExecuteScalarAsync(Cancel);
        }
        await using var command = new NpgsqlCommand(
            $$"""
            insert into {{schema.Quoted}}.events (event_id, stream_key, version, type, data, occurred_at, acting_organisation)
            values (gen_random_uuid(), $1, 1, 'thing_registered', '{"name":"held","registered_at":"2025-03-01T12:00:00Z"}', now(), 'org-test')
            returning seq_id
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamKey });
        var seqId = (long)(await command.ExecuteScalarAsync(Cancel))!;
        return (connection, transaction, seqId);
    }
}
