using System.Data;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ChipRegistry.EventStore;

/// <summary>
/// Runs one projection: while it leads (or always, with leadership off) it takes batches of
/// events above its checkpoint and at or below the high-water mark, and commits each batch's
/// writes with the new checkpoint in one transaction, guarded on the checkpoint it started from.
/// A rebuild pauses it through <see cref="Gate"/>. Standing at the mark while the mark counts the
/// next run, it applies that run on the mark's snapshot meanwhile and commits on the mark's verdict
/// (<see cref="MarkProof"/>).
/// </summary>
internal sealed class ProjectionRunner(
    StoreContext context,
    AsyncProjectionRegistration registration,
    ProjectionDaemonOptions options,
    DaemonMetrics metrics,
    Action progressed,
    Func<MarkProof?> markProof,
    ILogger logger) : IDisposable
{
    private readonly BatchApplier applier = new(context);
    private readonly IReadOnlyDictionary<string, string> liveTables =
        registration.Projection.Tables.ToDictionary(t => t.Name, t => t.Name, StringComparer.Ordinal);

    public string Name => registration.Name;

    public AsyncSignal Wake { get; } = new();

    /// <summary>Held while a batch runs; a rebuild takes it to pause this runner.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>True while this runner holds the projection's leadership (always true with leadership off while running).</summary>
    public bool IsLeader { get; private set; }

    /// <summary>Set when the leader's lock is found lost (for tests and logs).</summary>
    public int LeadershipLosses { get; private set; }

    /// <summary>Batches committed on the mark's snapshot, applied while the mark counted them (for tests and logs).</summary>
    public int BatchesOnMarkProof { get; private set; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (!options.UseLeadership)
                {
                    IsLeader = true;
                    await RunBatchesAsync(null, cancellationToken);
                    continue;
                }
                await using var leader = await LeaderLock.TryAcquireAsync(context.DataSource, context.Schema, Name, cancellationToken);
                if (leader is null)
                {
                    await Wake.WaitAsync(options.LeadershipRetryInterval, cancellationToken);
                    continue;
                }
                logger.LogInformation("Projection {Projection} in {Schema}: this daemon leads (lock held by backend {Pid}).", Name, context.Schema, leader.BackendProcessId);
                IsLeader = true;
                await RunBatchesAsync(leader, cancellationToken);
                // Leadership was lost: give another daemon the time to take over before standing again.
                IsLeader = false;
                await DelayAsync(options.RetryDelay, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "Projection {Projection} in {Schema} failed; retrying after {Delay}.", Name, context.Schema, options.RetryDelay);
                IsLeader = false;
                await DelayAsync(options.RetryDelay, cancellationToken);
            }
            finally
            {
                IsLeader = false;
            }
        }
    }

    /// <summary>Returns when leadership is lost; throws on failures.</summary>
    private async Task RunBatchesAsync(LeaderLock? leader, CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (leader is not null && !await leader.IsHeldAsync(cancellationToken))
            {
                LeadershipLosses++;
                logger.LogWarning("Projection {Projection} in {Schema}: the leadership lock's connection is gone; this runner stops and stands for leadership again.", Name, context.Schema);
                return;
            }
            bool more;
            await Gate.WaitAsync(cancellationToken);
            try
            {
                more = await RunBatchAsync(cancellationToken);
            }
            finally
            {
                Gate.Release();
            }
            if (!more)
            {
                await Wake.WaitAsync(options.PollInterval, cancellationToken);
            }
        }
    }

    /// <summary>One batch in one transaction; false when there was nothing to do.</summary>
    private async Task<bool> RunBatchAsync(CancellationToken cancellationToken)
    {
        MarkProof? proof;
        await using (var connection = await context.DataSource.OpenConnectionAsync(cancellationToken))
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            long floor, mark;
            await using (var read = new NpgsqlCommand(
                $"""
                select p.last_seq_id, p.halted_seq_id is not null, m.last_seq_id
                from {context.Schema.Quoted}.projection_progress p, {context.Schema.Quoted}.projection_progress m
                where p.name = $1 and m.name = '{HighWaterMark.Row}'
                """, connection, transaction))
            {
                read.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Name });
                await using var row = await read.ExecuteReaderAsync(cancellationToken);
                if (!await row.ReadAsync(cancellationToken))
                {
                    throw new InvalidOperationException($"Projection {Name} has no progress row in {context.Schema}.");
                }
                floor = row.GetInt64(0);
                var halted = row.GetBoolean(1);
                mark = row.GetInt64(2);
                if (halted)
                {
                    return false;
                }
            }
            if (floor < mark)
            {
                return await ApplyAndCommitAsync(connection, transaction, floor, Math.Min(mark, floor + options.BatchSize), null, cancellationToken);
            }
            proof = markProof();
            if (proof is null || proof.From != floor || floor != mark)
            {
                return false;
            }
        }
        return await RunOnMarkProofAsync(proof, cancellationToken);
    }

    /// <summary>
    /// Applies the run the mark is counting, on the mark's exported snapshot, and commits once the mark has committed
    /// past it; rolls back on any other verdict. False when nothing was committed: the mark's next move wakes this runner.
    /// </summary>
    private async Task<bool> RunOnMarkProofAsync(MarkProof proof, CancellationToken cancellationToken)
    {
        if (!proof.TryJoin())
        {
            return false;
        }
        NpgsqlConnection connection;
        NpgsqlTransaction transaction;
        long floor;
        try
        {
            connection = await context.DataSource.OpenConnectionAsync(cancellationToken);
            try
            {
                transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
                // A utility statement takes no parameters; the id is PostgreSQL's own, quoted all the same.
                await using (var import = new NpgsqlCommand($"set transaction snapshot '{proof.Snapshot.Replace("'", "''", StringComparison.Ordinal)}'", connection, transaction))
                {
                    await import.ExecuteNonQueryAsync(cancellationToken);
                }
                await using var read = new NpgsqlCommand($"select last_seq_id from {context.Schema.Quoted}.projection_progress where name = $1", connection, transaction);
                read.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Name });
                floor = (long)(await read.ExecuteScalarAsync(cancellationToken))!;
            }
            catch
            {
                await connection.DisposeAsync();
                throw;
            }
        }
        catch (PostgresException)
        {
            // The mark ended its transaction first (its snapshot is gone): its move wakes this runner.
            return false;
        }
        finally
        {
            proof.Imported();
        }
        await using (connection)
        await using (transaction)
        {
            // A batch this runner committed after the snapshot was taken is not in it: the snapshot's tables are behind.
            if (floor != proof.From)
            {
                return false;
            }
            var committed = await ApplyAndCommitAsync(connection, transaction, floor, Math.Min(proof.Through, floor + options.BatchSize), proof.Verdict, cancellationToken);
            if (committed)
            {
                BatchesOnMarkProof++;
            }
            return committed;
        }
    }

    /// <summary>
    /// Applies (floor, through], records dead letters and moves the checkpoint guarded on the floor, then commits when
    /// <paramref name="mayCommit"/> (if any) says so. False when another runner moved the checkpoint first and the
    /// batch stood on the mark's snapshot, or when the mark's verdict refused it; true otherwise, unless halted.
    /// </summary>
    private async Task<bool> ApplyAndCommitAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, long floor, long through, Task<bool>? mayCommit, CancellationToken cancellationToken)
    {
        var outcome = await applier.ApplyAsync(connection, transaction, registration, liveTables, floor, through, rebuilding: false, cancellationToken);
        await applier.RecordDeadLettersAsync(connection, transaction, Name, outcome.Failed, cancellationToken);
        await using (var checkpoint = new NpgsqlCommand(
            $"""
            update {context.Schema.Quoted}.projection_progress
            set last_seq_id = $3, updated_at = now(),
                halted_seq_id = $4, halted_error = $5, halted_at = case when $4 is null then null else now() end
            where name = $1 and last_seq_id = $2
            """, connection, transaction))
        {
            checkpoint.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Name });
            checkpoint.Parameters.Add(new NpgsqlParameter<long> { TypedValue = floor });
            checkpoint.Parameters.Add(new NpgsqlParameter<long> { TypedValue = outcome.Through });
            checkpoint.Parameters.Add(new NpgsqlParameter { Value = (object?)outcome.HaltedAt?.SeqId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
            checkpoint.Parameters.Add(new NpgsqlParameter { Value = (object?)outcome.HaltedAt?.Error ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            int moved;
            try
            {
                moved = await checkpoint.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (PostgresException e) when (mayCommit is not null && e.SqlState == PostgresErrorCodes.SerializationFailure)
            {
                // On the mark's snapshot, a checkpoint moved after it was taken is a serialization failure, not zero rows.
                moved = 0;
            }
            if (moved == 0)
            {
                // Another runner committed from the same floor first: its batch stands, ours must not.
                await transaction.RollbackAsync(cancellationToken);
                metrics.FloorGuardRejections.Add(1, metrics.Tags(Name));
                logger.LogDebug("Projection {Projection} in {Schema}: checkpoint moved past {Floor} by another runner; batch rolled back.", Name, context.Schema, floor);
                return mayCommit is null;
            }
        }
        if (mayCommit is not null && !await mayCommit.WaitAsync(cancellationToken))
        {
            await transaction.RollbackAsync(cancellationToken);
            return false;
        }
        await transaction.CommitAsync(cancellationToken);

        metrics.EventsApplied.Add(outcome.Applied, metrics.Tags(Name));
        if (outcome.Failed.Count > 0)
        {
            metrics.DeadLetters.Add(outcome.Failed.Count, metrics.Tags(Name));
            foreach (var failure in outcome.Failed)
            {
                logger.LogError("Projection {Projection} in {Schema}: event {SeqId} failed and went to dead_letters ({Policy}): {Error}",
                    Name, context.Schema, failure.SeqId, registration.OnFailure, failure.Error);
            }
        }
        if (outcome.HaltedAt is not null)
        {
            logger.LogCritical("Projection {Projection} in {Schema} halted at event {SeqId}; a rebuild resumes it.", Name, context.Schema, outcome.HaltedAt.SeqId);
        }
        progressed();
        return outcome.HaltedAt is null;
    }

    private static async Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    public void Dispose()
    {
        Wake.Dispose();
        Gate.Dispose();
    }
}
