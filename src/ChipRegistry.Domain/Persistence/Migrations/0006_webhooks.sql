-- Webhooks (docs/webhooks.md). Plain tables, not projection tables: a rebuild swaps a rule's flag table but never these,
-- so what was notified stays notified whatever is rebuilt. Subscriptions are rows, not events: a subscription's
-- secret must be deletable, and the event log keeps everything forever.
create table {schema}.webhook_subscriptions (
    id uuid primary key,
    organisation_id text not null,
    url text not null,
    kinds text[] not null,
    rules int[],
    severities text[],
    secret text not null,
    created_at timestamptz not null,
    deleted_at timestamptz
);
create index webhook_subscriptions_organisation_idx on {schema}.webhook_subscriptions (organisation_id) where deleted_at is null;

-- Every (flag, kind) ever notified, with the exact body sent for it. Filled with insert ... on conflict do nothing in
-- the transaction of the flag projection's batch (or of the escalating review): a pair is notified at most once.
create table {schema}.webhook_notifications (
    flag_id text not null,
    kind text not null,
    body text not null,
    notified_at timestamptz not null default now(),
    primary key (flag_id, kind)
);

-- The outbox: one row per notification and subscription that wanted it, written in the same transaction.
create table {schema}.webhook_deliveries (
    id uuid primary key,
    seq bigint generated always as identity,
    subscription_id uuid not null references {schema}.webhook_subscriptions (id),
    flag_id text not null,
    kind text not null,
    state text not null,
    attempts int not null default 0,
    rounds int not null default 0,
    next_attempt_at timestamptz,
    first_attempt_at timestamptz,
    delivered_at timestamptz,
    last_error text,
    created_at timestamptz not null default now(),
    foreign key (flag_id, kind) references {schema}.webhook_notifications (flag_id, kind)
);
create index webhook_deliveries_due_idx on {schema}.webhook_deliveries (subscription_id, seq) where state = 'pending';
create index webhook_deliveries_subscription_idx on {schema}.webhook_deliveries (subscription_id, seq);

-- Every attempt, as the dispatcher made it.
create table {schema}.webhook_attempts (
    delivery_id uuid not null references {schema}.webhook_deliveries (id),
    attempt int not null,
    attempted_at timestamptz not null,
    status_code int,
    error text,
    duration_ms int not null,
    primary key (delivery_id, attempt)
);
