-- The event store's tables and its append function.
-- {schema} is replaced by the validated, quoted schema name before this runs.

-- CACHE 1: a backend that caches numbers can hand one out long after later numbers were
-- committed, and the high-water mark (part 2) would have to wait for it or lose it.
create sequence {schema}.events_seq_id as bigint cache 1;

create table {schema}.streams (
    key        text        primary key,
    type       text,
    -- 0 only while the creating transaction is still running; a committed stream has version >= 1.
    version    bigint      not null check (version >= 0),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    archived   boolean     not null default false
);

-- No foreign key to streams: the store writes both in one transaction, and a per-row check
-- would cost the bulk path about a fifth of its throughput.
create table {schema}.events (
    seq_id              bigint      primary key default nextval('{schema}.events_seq_id'),
    event_id            uuid        not null,
    stream_key          text        not null,
    version             bigint      not null check (version >= 1),
    type                text        not null,
    data                jsonb       not null,
    occurred_at         timestamptz not null,
    -- Transaction time: every event of one append shares it, so a cut "as recorded at t"
    -- never splits an all-or-nothing append.
    recorded_at         timestamptz not null default now(),
    correlation_id      text,
    causation_id        text,
    acting_organisation text        not null,
    idempotency_key     text,
    -- The final guard of optimistic concurrency, whatever the application code does.
    constraint events_stream_version unique (stream_key, version)
);

-- Lets a projection that wants few event types skip the others.
create index events_type_seq_id on {schema}.events (type, seq_id);

create table {schema}.projection_progress (
    name        text        primary key,
    last_seq_id bigint      not null default 0,
    updated_at  timestamptz not null default now()
);

-- The reserved row for the high-water mark (maintained by the daemon, part 2).
insert into {schema}.projection_progress (name, last_seq_id) values ('$high_water_mark', 0);

create table {schema}.skipped_gaps (
    id             bigint generated always as identity primary key,
    from_seq_id    bigint      not null,
    to_seq_id      bigint      not null,
    -- The xid whose completion proved that no live writer could still fill the gap.
    evidence_xid   xid8        not null,
    reason         text        not null,
    skipped_at     timestamptz not null default now()
);

create table {schema}.dead_letters (
    id          bigint generated always as identity primary key,
    projection  text        not null,
    seq_id      bigint      not null,
    event_id    uuid        not null,
    error       text        not null,
    attempts    int         not null default 1,
    failed_at   timestamptz not null default now()
);

create index dead_letters_projection on {schema}.dead_letters (projection, seq_id);

-- One row per (acting organisation, caller's key): the request's hash, and either the append's
-- result or a response the API saved for its Idempotency-Key header.
create table {schema}.idempotency_keys (
    organisation    text        not null,
    key             text        not null,
    request_hash    bytea       not null,
    result          jsonb,
    response_status int,
    response_body   text,
    created_at      timestamptz not null default now(),
    expires_at      timestamptz not null default now() + interval '30 days',
    primary key (organisation, key)
);

create index idempotency_keys_expires_at on {schema}.idempotency_keys (expires_at);

-- Claims a key for this transaction, or says why not: 'claimed', 'replayed' (with the first
-- result), 'mismatch' (another request used the key) or 'in_use' (the key holds a saved
-- response but no append result). A concurrent claim of the same key waits on the unique
-- index until the first transaction ends, then sees its row.
create function {schema}.claim_idempotency_key(
    p_organisation text,
    p_key          text,
    p_request_hash bytea,
    out claim_status text,
    out claim_result jsonb)
language plpgsql as $$
declare
    v_hash bytea;
begin
    insert into {schema}.idempotency_keys as k (organisation, key, request_hash)
    values (p_organisation, p_key, p_request_hash)
    on conflict (organisation, key) do update
        set request_hash = excluded.request_hash, result = null, response_status = null,
            response_body = null, created_at = now(), expires_at = now() + interval '30 days'
        where k.expires_at <= now();
    if found then
        claim_status := 'claimed';
        return;
    end if;
    select k.request_hash, k.result into v_hash, claim_result
    from {schema}.idempotency_keys k
    where k.organisation = p_organisation and k.key = p_key;
    if v_hash is distinct from p_request_hash then
        claim_status := 'mismatch';
        claim_result := null;
    elsif claim_result is null then
        claim_status := 'in_use';
    else
        claim_status := 'replayed';
    end if;
end
$$;

-- Appends events to many streams (a sale of 10,000 chips) in one call, set-wise: each step is
-- one statement over all streams, never a loop. Order matters and is the point of this function:
--   1. claim the idempotency key (a retry returns the first result here);
--   2. create the streams that may be new, in key order, with version 0;
--   3. lock every stream of the request in key order and read its version (one statement);
--   4. check all expected versions at once; on a conflict undo steps 1-2 and report it;
--   5. pg_current_xact_id(), and only then draw sequence numbers, so a loser draws none and
--      every holder of a drawn number is visible as a running transaction;
--   6. insert the events, move the stream versions, save the result, notify.
-- p_expected per stream: n >= 1 exactly n, 0 no stream yet, -1 any.
create function {schema}.append_events(
    p_stream_keys         text[],
    p_stream_types        text[],
    p_expected            bigint[],
    p_event_streams       int[],
    p_event_ids           uuid[],
    p_event_types         text[],
    p_event_data          jsonb[],
    p_occurred_at         timestamptz[],
    p_correlation_id      text,
    p_causation_id        text,
    p_acting_organisation text,
    p_idempotency_key     text,
    p_request_hash        bytea,
    p_notify_channel      text,
    out append_status     text,
    out stream_versions   bigint[],
    out conflict_streams  int[],
    out seq_ids           bigint[],
    out recorded          timestamptz,
    out replay            jsonb)
language plpgsql as $$
declare
    v_created text[];
    v_current bigint[];
    v_count   int := cardinality(p_event_ids);
begin
    recorded := now();

    if p_idempotency_key is not null then
        select c.claim_status, c.claim_result into append_status, replay
        from {schema}.claim_idempotency_key(p_acting_organisation, p_idempotency_key, p_request_hash) c;
        if append_status <> 'claimed' then
            return;
        end if;
    end if;

    with created as (
        insert into {schema}.streams as s (key, type, version, created_at, updated_at)
        select r.key, r.type, 0, recorded, recorded
        from unnest(p_stream_keys, p_stream_types, p_expected) as r(key, type, expected)
        where r.expected <= 0
        order by r.key
        on conflict (key) do nothing
        returning s.key)
    select coalesce(array_agg(c.key), '{}') into v_created from created c;

    with locked as materialized (
        select s.key, s.version
        from {schema}.streams s
        where s.key = any (p_stream_keys)
        order by s.key
        for update)
    select array_agg(coalesce(l.version, 0) order by r.ord) into v_current
    from unnest(p_stream_keys) with ordinality as r(key, ord)
    left join locked l on l.key = r.key;

    select array_agg(r.ord::int order by r.ord), array_agg(r.actual order by r.ord)
    into conflict_streams, stream_versions
    from unnest(p_expected, v_current) with ordinality as r(expected, actual, ord)
    where r.expected <> -1 and r.expected <> r.actual;

    if conflict_streams is not null then
        delete from {schema}.streams s where s.key = any (v_created);
        if p_idempotency_key is not null then
            delete from {schema}.idempotency_keys k
            where k.organisation = p_acting_organisation and k.key = p_idempotency_key;
        end if;
        append_status := 'conflict';
        return;
    end if;

    perform pg_current_xact_id();
    seq_ids := array(select nextval('{schema}.events_seq_id') from generate_series(1, v_count));

    insert into {schema}.events (seq_id, event_id, stream_key, version, type, data, occurred_at,
        recorded_at, correlation_id, causation_id, acting_organisation, idempotency_key)
    select e.seq_id, e.event_id, p_stream_keys[e.stream],
           v_current[e.stream] + row_number() over (partition by e.stream order by e.ord),
           e.type, e.data, e.occurred_at, recorded, p_correlation_id, p_causation_id,
           p_acting_organisation, p_idempotency_key
    from unnest(seq_ids, p_event_streams, p_event_ids, p_event_types, p_event_data, p_occurred_at)
        with ordinality as e(seq_id, stream, event_id, type, data, occurred_at, ord);

    select array_agg(v_current[i] + coalesce(n.events, 0) order by i) into stream_versions
    from generate_subscripts(p_stream_keys, 1) as i
    left join (select u.stream, count(*) as events from unnest(p_event_streams) as u(stream) group by u.stream) n
        on n.stream = i;

    update {schema}.streams s
    set version = u.version, updated_at = recorded
    from unnest(p_stream_keys, stream_versions) as u(key, version)
    where s.key = u.key;

    if p_idempotency_key is not null then
        update {schema}.idempotency_keys k
        set result = jsonb_build_object('stream_keys', p_stream_keys, 'stream_versions', stream_versions, 'seq_ids', seq_ids, 'recorded', recorded)
        where k.organisation = p_acting_organisation and k.key = p_idempotency_key;
    end if;

    if p_notify_channel is not null then
        perform pg_notify(p_notify_channel, seq_ids[v_count]::text);
    end if;

    append_status := 'appended';
end
$$;

-- The single-stream append with an idempotency key (without one, the store sends the same guard
-- and insert as one SQL statement, QuickAppendSql). One statement that moves the stream's
-- version (an UPDATE guarded by the expected version, or an insert for a new stream) does the
-- lock, the read and the check at once; the set-wise function needs several statements per
-- call, which costs a single append about four times its server time.
-- Same order as below: claim key, move the version (or report the conflict), pg_current_xact_id(),
-- then draw sequence numbers and insert.
create function {schema}.append_to_stream(
    p_stream_key          text,
    p_stream_type         text,
    p_expected            bigint,
    p_event_ids           uuid[],
    p_event_types         text[],
    p_event_data          jsonb[],
    p_occurred_at         timestamptz[],
    p_correlation_id      text,
    p_causation_id        text,
    p_acting_organisation text,
    p_idempotency_key     text,
    p_request_hash        bytea,
    p_notify_channel      text,
    out append_status     text,
    out stream_version    bigint,
    out seq_ids           bigint[],
    out recorded          timestamptz,
    out replay            jsonb)
language plpgsql as $$
declare
    v_count    int := cardinality(p_event_ids);
    v_previous bigint;
begin
    recorded := now();

    if p_idempotency_key is not null then
        select c.claim_status, c.claim_result into append_status, replay
        from {schema}.claim_idempotency_key(p_acting_organisation, p_idempotency_key, p_request_hash) c;
        if append_status <> 'claimed' then
            return;
        end if;
    end if;

    if p_expected = -1 then
        insert into {schema}.streams as s (key, type, version, created_at, updated_at)
        values (p_stream_key, p_stream_type, v_count, recorded, recorded)
        on conflict (key) do update set version = s.version + v_count, updated_at = recorded
        returning s.version - v_count into v_previous;
    elsif p_expected = 0 then
        insert into {schema}.streams (key, type, version, created_at, updated_at)
        values (p_stream_key, p_stream_type, v_count, recorded, recorded)
        on conflict (key) do nothing;
        if found then
            v_previous := 0;
        end if;
    else
        update {schema}.streams s
        set version = s.version + v_count, updated_at = recorded
        where s.key = p_stream_key and s.version = p_expected
        returning s.version - v_count into v_previous;
    end if;

    if v_previous is null then
        select coalesce(max(s.version), 0) into stream_version from {schema}.streams s where s.key = p_stream_key;
        if p_idempotency_key is not null then
            delete from {schema}.idempotency_keys k
            where k.organisation = p_acting_organisation and k.key = p_idempotency_key;
        end if;
        append_status := 'conflict';
        return;
    end if;

    perform pg_current_xact_id();
    if v_count = 1 then
        -- The usual case, without unnest and aggregation: a plain INSERT ... VALUES.
        insert into {schema}.events (seq_id, event_id, stream_key, version, type, data, occurred_at,
            recorded_at, correlation_id, causation_id, acting_organisation, idempotency_key)
        values (nextval('{schema}.events_seq_id'), p_event_ids[1], p_stream_key, v_previous + 1, p_event_types[1], p_event_data[1],
            p_occurred_at[1], recorded, p_correlation_id, p_causation_id, p_acting_organisation, p_idempotency_key)
        returning array[seq_id] into seq_ids;
    else
        seq_ids := array(select nextval('{schema}.events_seq_id') from generate_series(1, v_count));
        insert into {schema}.events (seq_id, event_id, stream_key, version, type, data, occurred_at,
            recorded_at, correlation_id, causation_id, acting_organisation, idempotency_key)
        select e.seq_id, e.event_id, p_stream_key, v_previous + e.ord, e.type, e.data,
               e.occurred_at, recorded, p_correlation_id, p_causation_id, p_acting_organisation, p_idempotency_key
        from unnest(seq_ids, p_event_ids, p_event_types, p_event_data, p_occurred_at) with ordinality as e(seq_id, event_id, type, data, occurred_at, ord);
    end if;
    stream_version := v_previous + v_count;

    if p_idempotency_key is not null then
        update {schema}.idempotency_keys k
        set result = jsonb_build_object('stream_keys', array[p_stream_key], 'stream_versions', array[stream_version], 'seq_ids', seq_ids, 'recorded', recorded)
        where k.organisation = p_acting_organisation and k.key = p_idempotency_key;
    end if;

    if p_notify_channel is not null then
        perform pg_notify(p_notify_channel, seq_ids[v_count]::text);
    end if;

    append_status := 'appended';
end
$$;
