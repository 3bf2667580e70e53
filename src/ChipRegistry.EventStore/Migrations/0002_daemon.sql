-- The async daemon's state: the high-water mark's pending gap, halted projections, and the
-- function that moves the mark. {schema} is replaced by the validated, quoted schema name.

-- On the '$high_water_mark' row: the gap the mark is waiting at, if any.
--   gap_xid      the evidence xid D, taken in the statement that first saw the gap, after it
--                observed the sequence (so every writer holding a number <= gap_horizon has
--                an older xid: appends take their xid before they draw numbers);
--   gap_horizon  the sequence's last drawn number as read in that statement;
--   gap_seen_at  when; a gap older than the daemon's threshold is a stalled mark.
-- On a projection's row: why and where it halted under the 'halt' dead-letter policy.
alter table {schema}.projection_progress
    add column gap_xid       xid8,
    add column gap_horizon   bigint,
    add column gap_seen_at   timestamptz,
    add column halted_seq_id bigint,
    add column halted_error  text,
    add column halted_at     timestamptz;

-- One step of the high-water mark, in one round trip.
--
-- Everything is decided by ONE statement, so by one snapshot: the current mark and pending
-- gap, whether the gap is proven dead, the run of committed numbers that follows, the holes
-- to record, and (only when a new gap is seen, evaluated after the events and the sequence
-- were read) the evidence xid D = pg_current_xact_id(). A gap is proven dead once
-- pg_snapshot_xmin(pg_current_snapshot()) > D: D was committed by an earlier call, every xid
-- below the snapshot's xmin has ended, and every writer that drew a number <= gap_horizon has
-- an xid below D. pg_snapshot_xmax is never used: an open writer with a higher xid than the
-- last completed one would not be counted.
--
-- The mark moves by at most p_page committed events per call; call again while it moves. The
-- update is guarded on the mark and the pending xid read, so two daemons never both record a
-- skip, and the mark never moves backwards.
create function {schema}.advance_high_water_mark(
    p_page          int,
    out old_mark    bigint,
    out new_mark    bigint,
    out gap_xid     xid8,
    out gap_horizon bigint,
    out gap_seen_at timestamptz,
    out skipped     bigint)
language plpgsql
-- Plan each call for its actual numbers: a generic plan cannot see that the range is narrow.
set plan_cache_mode = force_custom_plan
as $$
declare
    v_old_xid      xid8;
    v_old_horizon  bigint;
    v_old_seen_at  timestamptz;
    v_proven       boolean;
    v_gap_open     boolean;
    v_xmin         xid8;
    v_drawn        bigint;
    v_hole_from    bigint[];
    v_hole_to      bigint[];
begin
    -- The stored state first, so the deciding statement below scans the events table from a
    -- known number (a range scan on the primary key). Only the mark function writes this row,
    -- and its update is guarded on exactly what is read here.
    select p.last_seq_id, p.gap_xid, p.gap_horizon, p.gap_seen_at
    into old_mark, v_old_xid, v_old_horizon, v_old_seen_at
    from {schema}.projection_progress p
    where p.name = '$high_water_mark';

    with state as materialized (
        select old_mark as mark, v_old_xid as xid, v_old_horizon as horizon, v_old_seen_at as seen_at),
    proof as materialized (
        select s.*, pg_snapshot_xmin(pg_current_snapshot()) as xmin,
               (s.xid is not null and s.horizon > s.mark
                and pg_snapshot_xmin(pg_current_snapshot()) > s.xid) as proven
        from state s),
    base as materialized (
        select p.*, case when p.proven then p.horizon else p.mark end as base
        from proof p),
    -- The committed events in (base, base + p_page], counted in one index scan: when their
    -- count equals the span up to the highest of them, the run has no hole.
    span as materialized (
        select count(e.seq_id) as n, max(e.seq_id) as top
        from {schema}.events e
        where e.seq_id > old_mark
          and e.seq_id <= greatest(old_mark, coalesce(v_old_horizon, 0)) + p_page
          and e.seq_id > (select b.base from base b)
          and e.seq_id <= (select b.base from base b) + p_page),
    -- Only when there is a hole: where the contiguous run from base ends.
    page as materialized (
        select e.seq_id, e.seq_id - row_number() over (order by e.seq_id) as k
        from (select e.seq_id
              from {schema}.events e
              where e.seq_id > old_mark
                and e.seq_id <= greatest(old_mark, coalesce(v_old_horizon, 0)) + p_page
                and e.seq_id > (select b.base from base b)
                and e.seq_id <= (select b.base from base b) + p_page
                and (select sp.n <> coalesce(sp.top - b.base, 0) from span sp, base b)
              order by e.seq_id) e),
    drawn as materialized (
        select case when q.is_called then q.last_value else 0 end as drawn
        from {schema}.events_seq_id q),
    run as materialized (
        select b.mark, b.xid, b.horizon, b.seen_at, b.xmin, b.proven, d.drawn,
               case when sp.n = coalesce(sp.top - b.base, 0) then coalesce(sp.top, b.base)
                    else coalesce((select max(pg.seq_id) filter (where pg.k = b.base) from page pg), b.base) end as reached,
               sp.n <> coalesce(sp.top - b.base, 0) as broken,
               sp.n as rows_read
        from base b, drawn d, span sp),
    holes as (
        select x.s + 1 as hole_from, x.nxt - 1 as hole_to
        from (select u.s, lead(u.s) over (order by u.s) as nxt
              from (select b.mark as s from base b where b.proven
                    union all
                    select e.seq_id
                    from {schema}.events e
                    where (select b.proven from base b) and e.seq_id > old_mark and e.seq_id <= v_old_horizon
                    union all
                    select b.horizon + 1 from base b where b.proven) u) x
        where x.nxt - x.s > 1),
    decided as (
        select r.*,
               -- a full page without a hole says nothing about what lies above it
               r.reached < r.drawn and (r.broken or r.rows_read < p_page) as gap_open,
               -- the pending evidence still covers the first missing number
               (not r.proven and r.xid is not null and r.horizon > r.reached) as keep_pending
        from run r)
    select dd.proven, dd.xmin, dd.drawn, dd.reached, dd.gap_open,
           case when dd.keep_pending then dd.xid
                when dd.gap_open then pg_current_xact_id() end,
           case when dd.keep_pending then dd.horizon
                when dd.gap_open then dd.drawn end,
           case when dd.keep_pending then dd.seen_at
                when dd.gap_open then clock_timestamp() end,
           (select array_agg(h.hole_from order by h.hole_from) from holes h),
           (select array_agg(h.hole_to order by h.hole_from) from holes h)
    into v_proven, v_xmin, v_drawn, new_mark, v_gap_open,
         gap_xid, gap_horizon, gap_seen_at, v_hole_from, v_hole_to
    from decided dd;

    skipped := 0;
    if new_mark = old_mark and gap_xid is not distinct from v_old_xid then
        return;
    end if;

    update {schema}.projection_progress p
    set last_seq_id = new_mark, gap_xid = advance_high_water_mark.gap_xid,
        gap_horizon = advance_high_water_mark.gap_horizon,
        gap_seen_at = advance_high_water_mark.gap_seen_at, updated_at = now()
    where p.name = '$high_water_mark' and p.last_seq_id = old_mark and p.gap_xid is not distinct from v_old_xid;
    if not found then
        -- Another daemon moved the mark first; report what is stored now.
        select p.last_seq_id, p.gap_xid, p.gap_horizon, p.gap_seen_at
        into new_mark, gap_xid, gap_horizon, gap_seen_at
        from {schema}.projection_progress p where p.name = '$high_water_mark';
        old_mark := new_mark;
        return;
    end if;

    if v_proven and v_hole_from is not null then
        insert into {schema}.skipped_gaps (from_seq_id, to_seq_id, evidence_xid, reason)
        select h.f, h.t, v_old_xid,
               format('no transaction that could hold these numbers is running: snapshot xmin %s > evidence xid %s (numbers drawn up to %s when the gap was seen)',
                      v_xmin, v_old_xid, v_old_horizon)
        from unnest(v_hole_from, v_hole_to) as h(f, t);
        get diagnostics skipped = row_count;
    end if;
end
$$;
