-- Projection versions and rebuilds as a resource. {schema} is replaced by the validated, quoted schema name.

-- The version of the projection's code that wrote its tables. Rows from before versions existed were written by
-- version 1; a daemon that declares a higher version rebuilds the projection in the shadow at start, and a daemon
-- that declares a lower one (an older build during a rolling deploy) leaves it alone.
alter table {schema}.projection_progress
    add column version int not null default 1;

-- One row per rebuild, requested through the API or started for a version change. events_done and events_total
-- are sequence numbers: how far the replay has reached and the high-water mark it is heading for (holes included).
-- heartbeat_at moves with every replayed batch; a rebuild whose heartbeat is older than the daemon's
-- RebuildAbandonedAfter lost its process and is marked failed when the next rebuild of the projection is asked for.
create table {schema}.projection_rebuilds (
    rebuild_id    bigint generated always as identity primary key,
    projection    text not null,
    reason        text not null check (reason in ('requested', 'version_changed')),
    state         text not null check (state in ('queued', 'running', 'swapping', 'done', 'failed')),
    version       int not null,
    requested_at  timestamptz not null default now(),
    started_at    timestamptz,
    heartbeat_at  timestamptz not null default now(),
    finished_at   timestamptz,
    events_done   bigint not null default 0,
    events_total  bigint not null default 0,
    checkpoint    bigint,
    dead_letters  int,
    error         text
);

-- At most one unfinished rebuild per projection: the second request is answered with the first.
create unique index projection_rebuilds_one_active on {schema}.projection_rebuilds (projection)
    where state in ('queued', 'running', 'swapping');
