using Microsoft.Extensions.Logging;
using Npgsql;

namespace ChipRegistry.EventStore;

/// <summary>
/// Rebuilds one projection from zero while appends go on: shadow tables created from the projection's
/// declarations (so a new version's columns and indexes take effect), filled in one pass up to the mark when the
/// projection offers it (<see cref="IRebuildsFromZero"/>), replayed in bounded batches up to the high-water mark,
/// then, in ONE transaction that locks the live tables, caught up to the mark of that moment
/// and swapped in with the checkpoint, its dead letters and its halt. Readers see the old
/// tables until that commit and the complete new ones after it, never a partial one.
/// </summary>
internal sealed class ProjectionRebuilder(StoreContext context, ProjectionDaemonOptions options, HighWaterMark mark, ILogger logger)
{
    private const string ShadowSuffix = "__rebuild";

    private readonly BatchApplier applier = new(context);

    public async Task<RebuildResult> RebuildAsync(AsyncProjectionRegistration registration, IRebuildObserver? observer, CancellationToken cancellationToken)
    {
        var name = registration.Name;
        var tables = registration.Projection.Tables;
        var shadows = tables.ToDictionary(t => t.Name, t => t.Name + ShadowSuffix, StringComparer.Ordinal);
        var schema = context.Schema.Quoted;
        var failed = new List<FailedEvent>();

        var phases = new RebuildPhases();
        await using var connection = await context.DataSource.OpenConnectionAsync(cancellationToken);
        var onePass = registration.Projection as IRebuildsFromZero;
        await ExecuteAsync(connection, null, string.Join(";\n", tables.Select(t =>
            $"drop table if exists {schema}.\"{shadows[t.Name]}\"; create table {schema}.\"{shadows[t.Name]}\" {t.Definition}")), cancellationToken);
        try
        {
            long position = 0;
            long applied = 0;
            if (onePass is not null)
            {
                phases.Finish("shadows");
                bool filled;
                (filled, position, applied) = await FillFromZeroAsync(connection, registration, onePass, shadows, observer, cancellationToken);
                phases.Finish(filled ? "one_pass" : "one_pass_rolled_back");
            }
            var indexes = string.Concat(tables.SelectMany(t => t.Indexes.Select(index => $"create index on {schema}.\"{shadows[t.Name]}\" {index};\n")));
            if (indexes.Length > 0)
            {
                await ExecuteAsync(connection, null, indexes, cancellationToken);
            }
            phases.Finish(onePass is null ? "shadows" : "indexes");
            while (true)
            {
                await mark.AdvanceAsync(cancellationToken);
                var target = await HighWaterMark.ReadAsync(connection, null, context.Schema, cancellationToken);
                if (observer is not null)
                {
                    await observer.ReplayedAsync(position, target, cancellationToken);
                }
                if (target - position <= options.BatchSize)
                {
                    break;
                }
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                var outcome = await ApplyAsync(connection, transaction, registration, shadows, position, Math.Min(target, position + options.BatchSize), failed, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                position = outcome.Through;
                applied += outcome.Applied;
            }

            phases.Finish("batches");
            if (observer is not null)
            {
                await observer.SwappingAsync(cancellationToken);
            }
            await using (var swap = await connection.BeginTransactionAsync(cancellationToken))
            {
                // The live tables first, then the checkpoint row: the order a runner's batch takes them in.
                await ExecuteAsync(connection, swap,
                    $"lock table {string.Join(", ", tables.Select(t => $"{schema}.\"{t.Name}\""))} in access exclusive mode", cancellationToken);
                await using (var progress = new NpgsqlCommand($"select last_seq_id from {schema}.projection_progress where name = $1 for update", connection, swap))
                {
                    progress.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
                    await progress.ExecuteScalarAsync(cancellationToken);
                }
                var target = await HighWaterMark.ReadAsync(connection, swap, context.Schema, cancellationToken);
                while (position < target)
                {
                    var outcome = await ApplyAsync(connection, swap, registration, shadows, position, Math.Min(target, position + options.BatchSize), failed, cancellationToken);
                    position = outcome.Through;
                    applied += outcome.Applied;
                }
                await applier.ReplaceDeadLettersAsync(connection, swap, name, failed, cancellationToken);
                await ExecuteAsync(connection, swap, string.Join(";\n", tables.Select(t =>
                    $"drop table {schema}.\"{t.Name}\"; alter table {schema}.\"{shadows[t.Name]}\" rename to \"{t.Name}\"")), cancellationToken);
                await using (var checkpoint = new NpgsqlCommand(
                    $"""
                    update {schema}.projection_progress
                    set last_seq_id = $2, updated_at = now(), halted_seq_id = null, halted_error = null, halted_at = null, version = $3
                    where name = $1
                    """, connection, swap))
                {
                    checkpoint.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
                    checkpoint.Parameters.Add(new NpgsqlParameter<long> { TypedValue = position });
                    checkpoint.Parameters.Add(new NpgsqlParameter<int> { TypedValue = registration.Projection.Version });
                    await checkpoint.ExecuteNonQueryAsync(cancellationToken);
                }
                await swap.CommitAsync(cancellationToken);
            }
            phases.Finish("swap");
            logger.LogInformation("Projection {Projection} in {Schema} rebuilt through {SeqId}: {Applied} events applied, {Failed} in dead letters ({Phases}).",
                name, context.Schema, position, applied, failed.Count, phases);
            return new RebuildResult(name, position, applied, failed.Count) { Phases = phases.All };
        }
        catch
        {
            await DropShadowsAsync(shadows.Values);
            throw;
        }
    }

    /// <summary>
    /// The one pass of a projection that offers it, up to the mark of now, in one transaction. When it throws for a
    /// reason of its own (an event it cannot apply), the pass is rolled back and the replay starts from zero in
    /// batches, which isolates the failing events as dead letters.
    /// </summary>
    private async Task<(bool Filled, long Position, long Applied)> FillFromZeroAsync(NpgsqlConnection connection, AsyncProjectionRegistration registration,
        IRebuildsFromZero onePass, IReadOnlyDictionary<string, string> shadows, IRebuildObserver? observer, CancellationToken cancellationToken)
    {
        await mark.AdvanceAsync(cancellationToken);
        var target = await HighWaterMark.ReadAsync(connection, null, context.Schema, cancellationToken);
        if (target == 0)
        {
            return (true, 0, 0);
        }
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            var batch = new AsyncProjectionBatch(connection, transaction, context.Schema, shadows, 0, target, [], rebuilding: true);
            await foreach (var read in onePass.FillFromZeroAsync(batch, cancellationToken))
            {
                if (observer is not null)
                {
                    await observer.ReplayedAsync(Math.Min(read, target), target, cancellationToken);
                }
            }
            var applied = await applier.CountBelowMarkAsync(connection, transaction, 0, target, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return (true, target, applied);
        }
        catch (Exception e) when (!BatchApplier.FailsTheBatch(e, cancellationToken))
        {
            await transaction.RollbackAsync(cancellationToken);
            logger.LogWarning(e, "Projection {Projection} in {Schema}: the one-pass rebuild failed; replaying in batches to isolate the failing events.",
                registration.Name, context.Schema);
            return (false, 0, 0);
        }
    }

    private async Task<BatchOutcome> ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, AsyncProjectionRegistration registration,
        IReadOnlyDictionary<string, string> shadows, long after, long through, List<FailedEvent> failed, CancellationToken cancellationToken)
    {
        var outcome = await applier.ApplyAsync(connection, transaction, registration, shadows, after, through, rebuilding: true, cancellationToken);
        failed.AddRange(outcome.Failed);
        if (outcome.HaltedAt is not null)
        {
            throw new ProjectionRebuildException(registration.Name, outcome.HaltedAt.SeqId, outcome.HaltedAt.Error);
        }
        return outcome;
    }

    private async Task DropShadowsAsync(IEnumerable<string> shadows)
    {
        try
        {
            await using var connection = await context.DataSource.OpenConnectionAsync(CancellationToken.None);
            await ExecuteAsync(connection, null, string.Join(";\n", shadows.Select(s => $"drop table if exists {context.Schema.Quoted}.\"{s}\"")), CancellationToken.None);
        }
        catch (NpgsqlException e)
        {
            logger.LogWarning(e, "Could not drop the shadow tables of a failed rebuild in {Schema}; the next rebuild replaces them.", context.Schema);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>
/// Told of a rebuild's progress: between its committed batches, and during a one-pass fill (whose transaction stays
/// open: the observer writes on a connection of its own).
/// </summary>
internal interface IRebuildObserver
{
    /// <summary>
    /// The replay has applied every sequence number up to <paramref name="position"/> (during a one-pass fill: it has
    /// read that many events); the mark is at <paramref name="target"/>.
    /// </summary>
    Task ReplayedAsync(long position, long target, CancellationToken cancellationToken);

    /// <summary>The replay is within one batch of the mark: the swap's transaction begins.</summary>
    Task SwappingAsync(CancellationToken cancellationToken);
}

/// <summary>
/// What a rebuild did: the checkpoint it swapped in, events applied, events left in dead letters, and where its time
/// went (<see cref="Phases"/>, in order: <c>shadows</c>, <c>one_pass</c> (or <c>one_pass_rolled_back</c>, then
/// replayed in batches) and <c>indexes</c> for a projection that offers <see cref="IRebuildsFromZero"/>, <c>batches</c>,
/// <c>swap</c>).
/// </summary>
public sealed record RebuildResult(string Projection, long Checkpoint, long Applied, int DeadLetters)
{
    public IReadOnlyList<RebuildPhase> Phases { get; init; } = [];

    /// <summary>Two rebuilds that did the same are equal however long their phases took.</summary>
    public bool Equals(RebuildResult? other) =>
        other is not null && Projection == other.Projection && Checkpoint == other.Checkpoint && Applied == other.Applied && DeadLetters == other.DeadLetters;

    public override int GetHashCode() => HashCode.Combine(Projection, Checkpoint, Applied, DeadLetters);
}

/// <summary>One phase of a rebuild and its wall time.</summary>
public sealed record RebuildPhase(string Name, TimeSpan Elapsed);

/// <summary>Times a rebuild's phases one after another.</summary>
internal sealed class RebuildPhases
{
    private readonly List<RebuildPhase> phases = [];
    private readonly System.Diagnostics.Stopwatch clock = System.Diagnostics.Stopwatch.StartNew();

    public IReadOnlyList<RebuildPhase> All => phases;

    public void Finish(string name)
    {
        phases.Add(new RebuildPhase(name, clock.Elapsed));
        clock.Restart();
    }

    public override string ToString() =>
        string.Join(", ", phases.Select(p => $"{p.Name} {p.Elapsed.TotalMilliseconds.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)} ms"));
}

/// <summary>A rebuild of a projection under the halt policy met an event that still fails; the live tables are unchanged.</summary>
public sealed class ProjectionRebuildException(string projection, long seqId, string error)
    : Exception($"Rebuilding projection '{projection}' stopped at event {seqId}, which still fails: {error}")
{
    public string Projection { get; } = projection;

    public long SeqId { get; } = seqId;
}

/// <summary>A projection awaited by <see cref="ProjectionDaemon.WaitForCatchUpAsync(long, CancellationToken)"/> is halted below the target.</summary>
public sealed class ProjectionHaltedException(string projection, long seqId)
    : Exception($"Projection '{projection}' is halted at event {seqId} (see dead_letters); it cannot catch up until it is rebuilt.")
{
    public string Projection { get; } = projection;

    public long SeqId { get; } = seqId;
}
