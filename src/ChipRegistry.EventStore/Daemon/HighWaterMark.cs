using Npgsql;

namespace ChipRegistry.EventStore;

/// <summary>The mark after a step: where it is, and the gap it waits at, if any.</summary>
internal sealed record MarkStep(long OldMark, long NewMark, ulong? GapXid, long? GapHorizon, long Skipped);

/// <summary>
/// Moves the schema's high-water mark with <c>advance_high_water_mark</c> (0002_daemon.sql):
/// each call is one statement's decision, committed at once so that the evidence xid it may
/// record is a finished transaction before any later call weighs it.
/// </summary>
internal sealed class HighWaterMark(StoreContext context, int pageSize)
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
        await using (var quick = new NpgsqlCommand(
            $"""
            select p.last_seq_id, p.gap_xid is not null or (select case when q.is_called then q.last_value else 0 end from {context.Schema.Quoted}.events_seq_id q) > p.last_seq_id
            from {context.Schema.Quoted}.projection_progress p
            where p.name = '{Row}'
            """, connection))
        await using (var state = await quick.ExecuteReaderAsync(cancellationToken))
        {
            await state.ReadAsync(cancellationToken);
            var current = state.GetInt64(0);
            if (!state.GetBoolean(1))
            {
                return new MarkStep(current, current, null, null, 0);
            }
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

    public static async Task<long> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, SchemaName schema, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"select last_seq_id from {schema.Quoted}.projection_progress where name = '{Row}'", connection, transaction);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
