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
    private readonly ProjectionRebuilds rebuilds;
    private readonly CancellationTokenSource lifetime = new();
    private volatile bool disposed;
    private readonly SemaphoreSlim prepared = new(1, 1);
    private volatile bool isPrepared;
    private long progressVersion;

    /// <summary>The run the mark counts now (or counted last), for runners standing at the mark to join.</summary>
    private MarkProof? latestProof;

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
        mark = new HighWaterMark(context, options.MarkPageSize, Announce, options.MarkProofMinimumRun);
        metrics = new DaemonMetrics(context.Schema.Value);
        runners = options.Projections.ToDictionary(
            p => p.Name,
            p => new ProjectionRunner(context, p, options, metrics, OnProgress, () => Volatile.Read(ref latestProof), this.logger),
            StringComparer.Ordinal);
        rebuilder = new ProjectionRebuilder(context, options, mark, this.logger);
        rebuilds = new ProjectionRebuilds(context, options.RebuildAbandonedAfter);
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
            // A new projection starts from zero with its declared version: there is nothing older to rebuild.
            var rows = new NpgsqlBatchCommand(
                $"insert into {schema}.projection_progress (name, version) select * from unnest($1::text[], $2::int[]) on conflict (name) do nothing");
            rows.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. options.Projections.Select(p => p.Name)] });
            rows.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = [.. options.Projections.Select(p => p.Projection.Version)] });
            batch.BatchCommands.Add(rows);
            await batch.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            await DedicatedConnection.WarmAsync(context.DataSource, cancellationToken);
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
        tasks.AddRange(options.Projections.Select(p => Task.Run(() => RunWhenVersionCurrentAsync(p, stoppingToken), stoppingToken)));
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
            return await rebuilder.RebuildAsync(options.Projections.Single(p => p.Name == projection), null, cancellationToken);
        }
        finally
        {
            runner.Gate.Release();
            runner.Wake.Set();
            OnProgress();
        }
    }

    /// <summary>
    /// Starts a tracked rebuild of the projection in the background of this process and returns it queued; when one
    /// is already unfinished (in any process), returns that one with <see cref="RebuildRequest.Started"/> false.
    /// Follow it with <see cref="GetRebuildAsync"/>.
    /// </summary>
    public async Task<RebuildRequest> RequestRebuildAsync(string projection, CancellationToken cancellationToken = default)
    {
        var registration = options.Projections.SingleOrDefault(p => p.Name == projection)
            ?? throw new ArgumentException($"No async projection named '{projection}' is registered.", nameof(projection));
        await PrepareAsync(cancellationToken);
        var request = await rebuilds.ClaimAsync(projection, RebuildReason.Requested, registration.Projection.Version, cancellationToken);
        if (request.Started)
        {
            _ = Task.Run(() => RunTrackedRebuildAsync(request.Rebuild.Id, registration, lifetime.Token), CancellationToken.None);
        }
        return request;
    }

    /// <summary>A rebuild by its id (requested or started for a version change, by any process), or null.</summary>
    public Task<RebuildStatus?> GetRebuildAsync(long rebuildId, CancellationToken cancellationToken = default) =>
        rebuilds.GetAsync(rebuildId, cancellationToken);

    /// <summary>
    /// Starts the projection's runner once the version stored with its checkpoint is the declared one. A newer
    /// declared version is rebuilt in the shadow first (here, or by whichever process claimed the rebuild), while the
    /// live tables keep serving readers; an older one (this build is behind another) waits, never rebuilding backwards.
    /// </summary>
    private async Task RunWhenVersionCurrentAsync(AsyncProjectionRegistration registration, CancellationToken stoppingToken)
    {
        var failures = 0;
        var warned = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var stored = await StoredVersionAsync(registration.Name, stoppingToken);
                var declared = registration.Projection.Version;
                if (stored == declared)
                {
                    break;
                }
                if (stored < declared)
                {
                    var request = await rebuilds.ClaimAsync(registration.Name, RebuildReason.VersionChanged, declared, stoppingToken);
                    if (request.Started)
                    {
                        logger.LogInformation("Projection {Projection} in {Schema}: version {Stored} stored, {Declared} declared; rebuilding in the shadow (rebuild {Id}).",
                            registration.Name, context.Schema, stored, declared, request.Rebuild.Id);
                        if (await RunTrackedRebuildAsync(request.Rebuild.Id, registration, stoppingToken))
                        {
                            continue;
                        }
                        failures++;
                    }
                }
                else if (!warned)
                {
                    warned = true;
                    logger.LogWarning("Projection {Projection} in {Schema}: version {Stored} stored, but this build declares {Declared}; not running it here.",
                        registration.Name, context.Schema, stored, declared);
                }
                // A rebuild that failed here is tried again, ever more slowly; one running elsewhere is waited for.
                var wait = failures == 0 ? options.PollInterval : TimeSpan.FromTicks(Math.Min(options.RetryDelay.Ticks << Math.Min(failures, 8), TimeSpan.FromMinutes(5).Ticks));
                await Task.Delay(wait, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "Projection {Projection} in {Schema}: reading its version failed; retrying after {Delay}.", registration.Name, context.Schema, options.RetryDelay);
                try
                {
                    await Task.Delay(options.RetryDelay, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
        await runners[registration.Name].RunAsync(stoppingToken);
    }

    private async Task<int> StoredVersionAsync(string projection, CancellationToken cancellationToken)
    {
        await using var command = context.DataSource.CreateCommand($"select version from {context.Schema.Quoted}.projection_progress where name = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = projection });
        return (int)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Runs a claimed rebuild to its end, writing its state and progress to its row; true when it swapped in.</summary>
    private async Task<bool> RunTrackedRebuildAsync(long id, AsyncProjectionRegistration registration, CancellationToken cancellationToken)
    {
        var runner = runners[registration.Name];
        try
        {
            await runner.Gate.WaitAsync(cancellationToken);
            try
            {
                await rebuilds.RunningAsync(id, cancellationToken);
                var result = await rebuilder.RebuildAsync(registration, new ProjectionRebuilds.Observer(rebuilds, id), cancellationToken);
                await rebuilds.DoneAsync(id, result, cancellationToken);
                return true;
            }
            finally
            {
                runner.Gate.Release();
                runner.Wake.Set();
                OnProgress();
            }
        }
        catch (Exception e)
        {
            var stopped = e is OperationCanceledException && cancellationToken.IsCancellationRequested;
            if (!stopped)
            {
                logger.LogError(e, "Rebuild {Id} of projection {Projection} in {Schema} failed.", id, registration.Name, context.Schema);
            }
            try
            {
                await rebuilds.FailedAsync(id, stopped ? "stopped: its process shut down" : e.Message, CancellationToken.None);
            }
            catch (Exception inner) when (inner is NpgsqlException or ObjectDisposedException or TimeoutException)
            {
                logger.LogWarning(inner, "Rebuild {Id} of projection {Projection} in {Schema}: could not record its failure; it is marked abandoned once its heartbeat ages.",
                    id, registration.Name, context.Schema);
            }
            return false;
        }
    }

    /// <summary>For tests: how many times this process's runner of a projection found its leadership lost.</summary>
    internal int LeadershipLosses(string projection) => runners[projection].LeadershipLosses;

    /// <summary>For tests: how many batches this process's runner of a projection committed on the mark's snapshot.</summary>
    internal int BatchesOnMarkProof(string projection) => runners[projection].BatchesOnMarkProof;

    /// <summary>For tests: whether this process's runner of a projection leads it now.</summary>
    internal bool IsLeading(string projection) => runners[projection].IsLeader;

    private void Announce(MarkProof proof)
    {
        Volatile.Write(ref latestProof, proof);
        foreach (var runner in runners.Values)
        {
            runner.Wake.Set();
        }
        MarkProofAnnounced?.Invoke(proof);
    }

    /// <summary>For tests: called on the mark's loop after a run is announced, before it is counted (a test slows the count so).</summary>
    internal Action<MarkProof>? MarkProofAnnounced { get; set; }

    private void OnProgress()
    {
        Interlocked.Increment(ref progressVersion);
        Interlocked.Exchange(ref progressed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // A host may stop the daemon after the container has already disposed it.
        if (!disposed)
        {
            await lifetime.CancelAsync();
        }
        await base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        if (disposed)
        {
            return;
        }
        disposed = true;
        lifetime.Cancel();
        base.Dispose();
        foreach (var runner in runners.Values)
        {
            runner.Dispose();
        }
        wake.Dispose();
        prepared.Dispose();
        metrics.Dispose();
        lifetime.Dispose();
    }
}
