using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace ChipRegistry.EventStore;

/// <summary>
/// The async daemon for one store schema, as a hosted service. It keeps the high-water mark
/// moving (woken by the schema's NOTIFY channel, polling as the fallback), runs each registered
/// projection (one leader per projection across processes), and offers rebuilds, waiting for
/// catch-up and health data. See docs/daemon.md.
/// </summary>
public sealed class ProjectionDaemon : BackgroundService
{
    /// <summary>The <see cref="System.Diagnostics.Metrics.Meter"/> name of the daemon's instruments.</summary>
    public const string MeterName = "ChipRegistry.EventStore.Daemon";

    private readonly StoreContext context;
    private readonly ProjectionDaemonOptions options;
    private readonly ILogger logger;
    private readonly HighWaterMark mark;
    private readonly DaemonMetrics metrics;
    private readonly Dictionary<string, ProjectionRunner> runners;
    private readonly AsyncSignal wake = new();
    private readonly ProjectionRebuilder rebuilder;
    private readonly SemaphoreSlim prepared = new(1, 1);
    private volatile bool isPrepared;
    private long progressVersion;

    /// <summary>Completed (and replaced) at every checkpoint or mark move here, so a catch-up waiter looks again at once.</summary>
    private TaskCompletionSource progressed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ProjectionDaemon(PostgresEventStore store, ProjectionDaemonOptions options, ILogger<ProjectionDaemon>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        context = store.Context;
        this.options = options;
        this.logger = logger ?? NullLogger<ProjectionDaemon>.Instance;
        mark = new HighWaterMark(context, options.MarkPageSize);
        metrics = new DaemonMetrics(context.Schema.Value);
        runners = options.Projections.ToDictionary(
            p => p.Name,
            p => new ProjectionRunner(context, p, options, metrics, OnProgress, this.logger),
            StringComparer.Ordinal);
        rebuilder = new ProjectionRebuilder(context, options, mark, this.logger);
    }

    public SchemaName Schema => context.Schema;

    public IReadOnlyList<AsyncProjectionRegistration> Projections => options.Projections;

    /// <summary>
    /// Creates the projections' missing tables and progress rows. The daemon does this when it
    /// starts; call it first when rebuilding or reading health without running the daemon.
    /// </summary>
    public async Task PrepareAsync(CancellationToken cancellationToken = default)
    {
        if (isPrepared)
        {
            return;
        }
        await prepared.WaitAsync(cancellationToken);
        try
        {
            if (isPrepared)
            {
                return;
            }
            var schema = context.Schema.Quoted;
            await using var connection = await context.DataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using var batch = new NpgsqlBatch(connection, transaction);
            var lockCommand = new NpgsqlBatchCommand("select pg_advisory_xact_lock(hashtextextended($1, 0))");
            lockCommand.Parameters.Add(new NpgsqlParameter<string> { TypedValue = $"{context.Schema.Value}.daemon_tables" });
            batch.BatchCommands.Add(lockCommand);
            foreach (var table in options.Projections.SelectMany(p => p.Projection.Tables))
            {
                // Indexes only with a new table: after a rebuild the live table carries the shadow's copies, under other names.
                var indexes = string.Concat(table.Indexes.Select(index => $"create index on {schema}.\"{table.Name}\" {index};\n"));
                batch.BatchCommands.Add(new NpgsqlBatchCommand(
                    $"do $prepare$ begin if to_regclass('{schema}.\"{table.Name}\"') is null then create table {schema}.\"{table.Name}\" {table.Definition};\n{indexes} end if; end $prepare$"));
            }
            var rows = new NpgsqlBatchCommand($"insert into {schema}.projection_progress (name) select unnest($1::text[]) on conflict (name) do nothing");
            rows.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. options.Projections.Select(p => p.Name)] });
            batch.BatchCommands.Add(rows);
            await batch.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            isPrepared = true;
        }
        finally
        {
            prepared.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await PrepareAsync(stoppingToken);
        var listener = new ChangeListener(context, wake, options.RetryDelay, logger);
        var tasks = new List<Task> { Task.Run(() => listener.RunAsync(stoppingToken), stoppingToken) };
        tasks.AddRange(runners.Values.Select(r => Task.Run(() => r.RunAsync(stoppingToken), stoppingToken)));
        var lastHealth = DateTime.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var step = await mark.AdvanceAsync(stoppingToken);
                if (step.Skipped > 0)
                {
                    metrics.GapsSkipped.Add(step.Skipped, metrics.Tags());
                    logger.LogWarning("High-water mark of {Schema}: skipped {Count} gap(s) below {Mark} on xid evidence (see skipped_gaps).", context.Schema, step.Skipped, step.NewMark);
                }
                if (step.NewMark != step.OldMark)
                {
                    foreach (var runner in runners.Values)
                    {
                        runner.Wake.Set();
                    }
                    OnProgress();
                }
                if (DateTime.UtcNow - lastHealth >= options.PollInterval)
                {
                    metrics.Update(await GetHealthAsync(stoppingToken));
                    lastHealth = DateTime.UtcNow;
                }
                await wake.WaitAsync(options.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                logger.LogError(e, "High-water mark of {Schema}: step failed; retrying after {Delay}.", context.Schema, options.RetryDelay);
                try
                {
                    await Task.Delay(options.RetryDelay, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        await Task.WhenAll(tasks.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
    }

    /// <summary>Moves the high-water mark as far as it can go now; returns it.</summary>
    public async Task<long> AdvanceHighWaterMarkAsync(CancellationToken cancellationToken = default)
    {
        var step = await mark.AdvanceAsync(cancellationToken);
        if (step.Skipped > 0)
        {
            metrics.GapsSkipped.Add(step.Skipped, metrics.Tags());
        }
        return step.NewMark;
    }

    /// <summary>
    /// Waits until the high-water mark and every projection of this daemon have reached the
    /// highest sequence number committed when called (read-your-writes); returns it. A halted
    /// projection below it throws <see cref="ProjectionHaltedException"/>; cancel to time out.
    /// </summary>
    public async Task<long> WaitForCatchUpAsync(CancellationToken cancellationToken = default)
    {
        long target;
        await using (var command = context.DataSource.CreateCommand($"select coalesce(max(seq_id), 0) from {context.Schema.Quoted}.events"))
        {
            target = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        }
        await WaitForCatchUpAsync(target, cancellationToken);
        return target;
    }

    /// <summary>Waits until the mark and every projection of this daemon are at or past <paramref name="seqId"/>.</summary>
    public async Task WaitForCatchUpAsync(long seqId, CancellationToken cancellationToken = default)
    {
        var names = options.Projections.Select(p => p.Name).ToArray();
        var markBehind = true;
        while (true)
        {
            // Taken before the read, so progress made while reading still ends the wait below.
            var progress = Volatile.Read(ref progressed).Task;
            // Wake the mark only while it is short of the target: once it is there, waking it
            // every poll only competes with the projections' batches for the database.
            if (markBehind)
            {
                wake.Set();
            }
            await using (var command = context.DataSource.CreateCommand(
                $"""
                select p.name, p.last_seq_id, p.halted_seq_id
                from {context.Schema.Quoted}.projection_progress p
                where p.name = any ($1) or p.name = '{HighWaterMark.Row}'
                """))
            {
                command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = names });
                var caughtUp = true;
                var seen = 0;
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    seen++;
                    var position = reader.GetInt64(1);
                    if (!reader.IsDBNull(2) && reader.GetInt64(2) <= seqId)
                    {
                        throw new ProjectionHaltedException(reader.GetString(0), reader.GetInt64(2));
                    }
                    caughtUp &= position >= seqId;
                    if (reader.GetString(0) == HighWaterMark.Row)
                    {
                        markBehind = position < seqId;
                    }
                }
                if (caughtUp && seen == names.Length + 1)
                {
                    return;
                }
            }
            // Progress made here ends the wait early; the poll covers progress made by other processes.
            await Task.WhenAny(progress, Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken));
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>The mark, stall, and each projection's lag, halt and dead letters, read now.</summary>
    public Task<DaemonHealth> GetHealthAsync(CancellationToken cancellationToken = default) =>
        DaemonHealthReader.ReadAsync(context, [.. runners.Keys], options.StalledAfter,
            name => runners.TryGetValue(name, out var runner) && runner.IsLeader, cancellationToken);

    /// <summary>
    /// Rebuilds one projection from zero into shadow tables and swaps them in, in one
    /// transaction, once caught up; appends may go on meanwhile. This process's runner of the
    /// projection pauses for the duration; dead letters are retried (cleared when they apply)
    /// and a halt is lifted.
    /// </summary>
    public async Task<RebuildResult> RebuildAsync(string projection, CancellationToken cancellationToken = default)
    {
        if (!runners.TryGetValue(projection, out var runner))
        {
            throw new ArgumentException($"No async projection named '{projection}' is registered.", nameof(projection));
        }
        await PrepareAsync(cancellationToken);
        await runner.Gate.WaitAsync(cancellationToken);
        try
        {
            return await rebuilder.RebuildAsync(options.Projections.Single(p => p.Name == projection), cancellationToken);
        }
        finally
        {
            runner.Gate.Release();
            runner.Wake.Set();
            OnProgress();
        }
    }

    /// <summary>For tests: how many times this process's runner of a projection found its leadership lost.</summary>
    internal int LeadershipLosses(string projection) => runners[projection].LeadershipLosses;

    /// <summary>For tests: whether this process's runner of a projection leads it now.</summary>
    internal bool IsLeading(string projection) => runners[projection].IsLeader;

    private void OnProgress()
    {
        Interlocked.Increment(ref progressVersion);
        Interlocked.Exchange(ref progressed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    public override void Dispose()
    {
        base.Dispose();
        foreach (var runner in runners.Values)
        {
            runner.Dispose();
        }
        wake.Dispose();
        prepared.Dispose();
        metrics.Dispose();
    }
}
