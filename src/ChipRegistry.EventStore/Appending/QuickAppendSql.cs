namespace ChipRegistry.EventStore;

/// <summary>
/// The quick append: one stream, no idempotency key (the usual command), as one prepared SQL
/// statement instead of a plpgsql call, which measured about 45% more appends per second of
/// server time. One statement moves the stream's version (an UPDATE guarded by the expected
/// version, or an insert for a new stream) and inserts the events from its RETURNING row, so:
/// a failed check returns no row and no sequence number is drawn (nextval runs only for rows
/// the guard let through), and the guard's row write has assigned the transaction id before any
/// number is drawn. No row back means a conflict; the caller then reads the actual version.
/// Parameters: $1 key, $2 stream type, $3 expected, $4 event count, $5-$8 event ids, types,
/// data, business times (arrays), $9 correlation, $10 causation, $11 organisation, $12 channel.
/// </summary>
internal static class QuickAppendSql
{
    public static string For(SchemaName schema, ExpectedVersion expected, bool oneEvent)
    {
        var s = schema.Quoted;
        var guard = expected.Encoded switch
        {
            -1 => $"""
                  insert into {s}.streams as st (key, type, version, created_at, updated_at)
                  values ($1, $2, $4, now(), now())
                  on conflict (key) do update set version = st.version + $4, updated_at = now()
                  returning st.version
                  """,
            0 => $"""
                 insert into {s}.streams (key, type, version, created_at, updated_at)
                 values ($1, $2, $4, now(), now())
                 on conflict (key) do nothing
                 returning version
                 """,
            _ => $"""
                 update {s}.streams st set version = st.version + $4, updated_at = now()
                 where st.key = $1 and st.version = $3
                 returning st.version
                 """,
        };
        var events = oneEvent
            ? $"""
              select nextval('{s}.events_seq_id'), ($5::uuid[])[1], $1, m.version, ($6::text[])[1], ($7::jsonb[])[1],
                     ($8::timestamptz[])[1], $9, $10, $11
              from moved m
              """
            : $"""
              select nextval('{s}.events_seq_id'), e.event_id, $1, m.version - $4 + e.ord, e.type, e.data, e.occurred_at, $9, $10, $11
              from moved m
              cross join unnest($5::uuid[], $6::text[], $7::jsonb[], $8::timestamptz[]) with ordinality as e(event_id, type, data, occurred_at, ord)
              """;
        return $"""
            with moved as (
            {guard}),
            inserted as (
                insert into {s}.events (seq_id, event_id, stream_key, version, type, data, occurred_at, correlation_id, causation_id, acting_organisation)
            {events}
                returning seq_id, version),
            notified as (
                select pg_notify($12, max(i.seq_id)::text) from inserted i where $12::text is not null having count(*) > 0)
            select (select m.version from moved m), (select array_agg(i.seq_id order by i.version) from inserted i), now(), (select count(*) from notified)
            """;
    }
}
