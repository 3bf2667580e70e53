using ChipRegistry.Domain.Projections;
using ChipRegistry.EventStore;
using NodaTime;
using Npgsql;

namespace ChipRegistry.Domain.Detection.Flags;

/// <summary>
/// The shape every rule's flag table has. Each rule writes its own table (a rebuild swaps one projection's tables, so
/// rules never share one); reads take the union of them (<see cref="FlagReads"/>). <c>group_key</c> is the rule's
/// grouping of its evidence (one flag per group), so a re-judged group updates its flag in place.
/// </summary>
public static class FlagTable
{
    public static ProjectionTable Declare(string name) => new(name,
        """
        (flag_id text primary key, group_key text not null unique, rule int not null, severity text not null,
         subject_kind text not null, subject_id text not null, country text, opened_at timestamptz not null,
         closed_at timestamptz, withdrawn boolean not null, evidence bigint[] not null, chips text[] not null,
         explanation text not null)
        """,
        ["(subject_kind, subject_id)", "(opened_at)", "using gin (chips)"]);

    public const string Columns =
        "flag_id, rule, severity, subject_kind, subject_id, country, opened_at, closed_at, withdrawn, evidence, chips, explanation";

    /// <summary>The flags of the given groups, by group key.</summary>
    public static async Task<Dictionary<string, Flag>> ReadByGroupAsync(
        AsyncProjectionBatch batch, string table, IReadOnlyCollection<string> groupKeys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var flags = new Dictionary<string, Flag>(StringComparer.Ordinal);
        if (groupKeys.Count == 0) return flags;
        await using var command = batch.CreateCommand($"select group_key, {Columns} from {batch.Table(table)} where group_key = any($1)");
        command.Parameters.Add(TouchedStreams.Texts(groupKeys));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            flags[reader.GetString(0)] = Read(reader, 1);
        }
        return flags;
    }

    /// <summary>Writes each group's flag, replacing the one the group had (its id may change with its first evidence).</summary>
    public static async Task UpsertAsync(
        AsyncProjectionBatch batch, string table, IReadOnlyList<(string GroupKey, Flag Flag)> flags, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(flags);
        if (flags.Count == 0) return;
        await using var command = batch.CreateCommand(
            $"""
            insert into {batch.Table(table)} (group_key, {Columns})
            select g, f, r, s, sk, si, c, o, cl, w, array(select jsonb_array_elements_text(e)::bigint), array(select jsonb_array_elements_text(ch)), x
            from unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[], $9::timestamptz[],
                        $10::boolean[], $11::jsonb[], $12::jsonb[], $13::text[]) as t(g, f, r, s, sk, si, c, o, cl, w, e, ch, x)
            on conflict (group_key) do update set flag_id = excluded.flag_id, rule = excluded.rule, severity = excluded.severity,
                subject_kind = excluded.subject_kind, subject_id = excluded.subject_id, country = excluded.country,
                opened_at = excluded.opened_at, closed_at = excluded.closed_at, withdrawn = excluded.withdrawn,
                evidence = excluded.evidence, chips = excluded.chips, explanation = excluded.explanation
            """);
        var p = command.Parameters;
        p.Add(TouchedStreams.Texts(flags.Select(f => f.GroupKey)));
        p.Add(TouchedStreams.Texts(flags.Select(f => f.Flag.Id)));
        p.Add(new NpgsqlParameter<int[]> { TypedValue = [.. flags.Select(f => f.Flag.Rule)] });
        p.Add(TouchedStreams.Texts(flags.Select(f => f.Flag.Severity)));
        p.Add(TouchedStreams.Texts(flags.Select(f => f.Flag.Subject.Kind)));
        p.Add(TouchedStreams.Texts(flags.Select(f => f.Flag.Subject.Id)));
        p.Add(TouchedStreams.Texts(flags.Select(f => f.Flag.Country)));
        p.Add(new NpgsqlParameter<Instant[]> { TypedValue = [.. flags.Select(f => f.Flag.OpenedAt)] });
        p.Add(new NpgsqlParameter<Instant?[]> { TypedValue = [.. flags.Select(f => f.Flag.ClosedAt)] });
        p.Add(new NpgsqlParameter<bool[]> { TypedValue = [.. flags.Select(f => f.Flag.Withdrawn)] });
        p.Add(new NpgsqlParameter<string[]> { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Jsonb,
            TypedValue = [.. flags.Select(f => System.Text.Json.JsonSerializer.Serialize(f.Flag.Evidence))] });
        p.Add(new NpgsqlParameter<string[]> { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Jsonb,
            TypedValue = [.. flags.Select(f => System.Text.Json.JsonSerializer.Serialize(f.Flag.Chips))] });
        p.Add(TouchedStreams.Texts(flags.Select(f => f.Flag.Explanation)));
        await command.ExecuteNonQueryAsync(cancellationToken);
        await NotifyAsync(batch, flags, cancellationToken);
    }

    /// <summary>
    /// The webhooks' outbox, in the batch's transaction (docs/webhooks.md): each flag's status is enqueued if it was
    /// never notified. A rebuild writes shadow tables no reader has seen yet and enqueues nothing, not even a status
    /// only the new code finds: the live runner notifies it the next time it writes that flag after the swap.
    /// </summary>
    private static async Task NotifyAsync(AsyncProjectionBatch batch, IReadOnlyList<(string GroupKey, Flag Flag)> flags, CancellationToken cancellationToken)
    {
        if (batch.Rebuilding) return;
        await Webhooks.WebhookOutbox.EnqueueAsync(batch.CreateCommand, batch.Schema.Quoted,
            [.. flags.Select(f => (f.Flag, Webhooks.WebhookEventKinds.OfStatus(f.Flag)))], cancellationToken);
    }

    /// <summary>Reads a flag from <see cref="Columns"/>, starting at <paramref name="at"/>.</summary>
    public static Flag Read(NpgsqlDataReader reader, int at)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return new Flag(
            reader.GetString(at),
            reader.GetInt32(at + 1),
            reader.GetString(at + 2),
            new FlagSubject(reader.GetString(at + 3), reader.GetString(at + 4)),
            reader.IsDBNull(at + 5) ? null : reader.GetString(at + 5),
            reader.GetFieldValue<Instant>(at + 6),
            reader.IsDBNull(at + 7) ? null : reader.GetFieldValue<Instant>(at + 7),
            reader.GetBoolean(at + 8),
            reader.GetFieldValue<long[]>(at + 9),
            reader.GetFieldValue<string[]>(at + 10),
            reader.GetString(at + 11));
    }
}
