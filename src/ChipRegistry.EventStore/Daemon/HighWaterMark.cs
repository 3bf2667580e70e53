using System.Data;
using Npgsql;

namespace ChipRegistry.EventStore;

/// <summary>The mark after a step: where it is, and the gap it waits at, if any.</summary>
internal sealed record MarkStep(long OldMark, long NewMark, ulong? GapXid, long? GapHorizon, long Skipped);

/// <summary>
/// Moves the schema's high-water mark with <c>advance_high_water_mark</c> (0002_daemon.sql):
/// each call is one statement's decision, committed at once so that the evidence xid it may
/// record is a finished transaction before any later call weighs it. The usual step, a run with
/// no hole, is counted on an exported snapshot; a run of at least <paramref name="proofMinimumRun"/>
/// numbers is announced to <paramref name="announce"/> first, so that runners may apply it while it
/// is counted (<see cref="MarkProof"/>).
/// </summary>
internal sealed class HighWaterMark(StoreContext context, int pageSize, Action<MarkProof>? announce = null, int proofMinimumRun = 1)
{
    public const string Row = "$high_water_mark";

    /// <summary>Steps the mark until it stops moving; returns the first and last positions and the skips made.</summary>
    public async Task<MarkStep> AdvanceAsync(CancellationToken cancellationToken)
    {
        await using var connection = await context.DataSource.OpenConnectionAsync(cancellationToken);
        MarkStep? first = null;
        long skipped = 0;
        while (true)
        {
            var step = await StepAsync(connection, cancellationToken);
            first ??= step;
            skipped += step.Skipped;
            if (step.NewMark == step.OldMark && step.Skipped == 0)
            {
                return step with { OldMark = first.OldMark, Skipped = skipped };
            }
        }
    }

    private async Task<MarkStep> StepAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        // Nothing drawn above the mark and no gap pending: nothing can move, so the deciding
        // function (planned afresh on every call, and the largest cost of an idle or finishing
        // step) need not run. The sequence's last value is read live, not from a snapshot, and
        // every number a writer holds is at most that value.
        long current;
        bool gapPending;
        await using (var quick = new NpgsqlCommand(
            $"""
            select p.last_seq_id, p.gap_xid is not null, (select case when q.is_called then q.last_value else 0 end from {context.Schema.Quoted}.events_seq_id q)
            from {context.Schema.Quoted}.projection_progress p
            where p.name = '{Row}'
            """, connection))
        await using (var state = await quick.ExecuteReaderAsync(cancellationToken))
        {
            await state.ReadAsync(cancellationToken);
            current = state.GetInt64(0);
            gapPending = state.GetBoolean(1);
            if (!gapPending && state.GetInt64(2) <= current)
            {
                return new MarkStep(current, current, null, null, 0);
            }
        }

        if (!gapPending && await TryRunWithoutHoleAsync(connection, current, cancellationToken) is { } reached)
        {
            return new MarkStep(current, reached, null, null, 0);
        }

        await using var command = new NpgsqlCommand(
            $"select old_mark, new_mark, gap_xid::text, gap_horizon, skipped from {context.Schema.Quoted}.advance_high_water_mark($1)", connection);
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = pageSize });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new MarkStep(
            reader.GetInt64(0),
            reader.GetInt64(1),
            reader.IsDBNull(2) ? null : ulong.Parse(reader.GetString(2), System.Globalization.CultureInfo.InvariantCulture),
            reader.IsDBNull(3) ? null : reader.GetInt64(3),
            reader.GetInt64(4));
    }

    /// <summary>
    /// The usual step, a run of committed numbers above the mark with no hole in it, without the deciding function:
    /// the page is counted by a plain query, which PostgreSQL may split across parallel workers (the function's
    /// statement cannot be: it takes an xid), and the mark is moved by an update guarded on the mark it started from.
    /// A count from this snapshot is as good as the function's: a number once committed stays so, so a run seen
    /// complete stays complete. The snapshot is exported and announced before the count, and the transaction stays
    /// open until the runners that joined hold it. A hole, nothing committed yet, or a mark moved meanwhile: null, and
    /// the function decides, with its gap evidence, in one snapshot.
    /// </summary>
    private async Task<long?> TryRunWithoutHoleAsync(NpgsqlConnection connection, long current, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        string snapshot;
        long top;
        await using (var span = new NpgsqlCommand(
            $"select pg_export_snapshot(), coalesce(max(e.seq_id), $1) from {context.Schema.Quoted}.events e where e.seq_id > $1 and e.seq_id <= $1 + $2",
            connection, transaction))
        {
            span.Parameters.Add(new NpgsqlParameter<long> { TypedValue = current });
            span.Parameters.Add(new NpgsqlParameter<long> { TypedValue = pageSize });
            await using var reader = await span.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            snapshot = reader.GetString(0);
            top = reader.GetInt64(1);
        }
        if (top == current)
        {
            return null;
        }
        var proof = new MarkProof(current, top, snapshot);
        try
        {
            if (top - current >= proofMinimumRun)
            {
                announce?.Invoke(proof);
            }
            long count;
            await using (var span = new NpgsqlCommand(
                $"select count(*) from {context.Schema.Quoted}.events e where e.seq_id > $1 and e.seq_id <= $2", connection, transaction))
            {
                span.Parameters.Add(new NpgsqlParameter<long> { TypedValue = current });
                span.Parameters.Add(new NpgsqlParameter<long> { TypedValue = top });
                count = (long)(await span.ExecuteScalarAsync(cancellationToken))!;
            }
            if (count != top - current)
            {
                return null;
            }
            await using var move = new NpgsqlCommand(
                $"""
                update {context.Schema.Quoted}.projection_progress
                set last_seq_id = $2, updated_at = now()
                where name = '{Row}' and last_seq_id = $1 and gap_xid is null
                """, connection, transaction);
            move.Parameters.Add(new NpgsqlParameter<long> { TypedValue = current });
            move.Parameters.Add(new NpgsqlParameter<long> { TypedValue = top });
            if (await move.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                return null;
            }
            await proof.CloseAsync().WaitAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            proof.Decide(true);
            return top;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.SerializationFailure)
        {
            // Another process moved the mark after this snapshot was taken: the function decides from where it is now.
            return null;
        }
        finally
        {
            proof.Decide(false);
        }
    }

    public static async Task<long> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, SchemaName schema, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"select last_seq_id from {schema.Quoted}.projection_progress where name = '{Row}'", connection, transaction);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
